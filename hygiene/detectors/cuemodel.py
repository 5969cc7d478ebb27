"""The written cues of a page's lines, combined: the hand-written half of the line model.

Each line's cues (``hygiene.detectors.cues``) are combined by noisy-OR, then a
pass lets furniture vouch for its neighbours: furniture comes in clusters (a
name between a caption and "Updated:"), so a weak cue counts next to other
furniture, and a short label counts between two furniture lines. The learned
line model (``hygiene.detectors.lines``) confirms these verdicts, or vetoes them
in context, and adds lines no cue explains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hygiene.detectors.cues import LineShape, line_cues, looks_like_name

THRESHOLD = 0.5  # a line the cues combine to at least this is cue-flagged
WEAK = 0.25  # a weak cue plus one furniture neighbour is enough
VOUCHED = 0.55  # the score of a line its neighbours vouch for


@dataclass(frozen=True)
class CueVerdict:
    score: float  # 0..1; cue-flagged at THRESHOLD and above
    code: str  # the HY1xx rule of its strongest cue ("" when none)
    reason: str

    @property
    def flagged(self) -> bool:
        return self.score >= THRESHOLD


def cue_verdicts(texts: Sequence[str]) -> list[CueVerdict]:
    """The cues' verdict on each line of a page, neighbours vouching."""
    verdicts = [_own(text) for text in texts]
    for _ in range(3):
        changed = False
        for i in range(1, len(texts)):
            if verdicts[i].flagged:
                continue
            better = _from_neighbours(texts[i], verdicts, i)
            if better is not None:
                verdicts[i] = better
                changed = True
        if not changed:
            break
    return verdicts


def _own(text: str) -> CueVerdict:
    cues = line_cues(text)
    if not cues:
        return CueVerdict(0.0, "", "")
    miss = 1.0
    for cue in cues:
        miss *= 1.0 - cue.weight
    return CueVerdict(1.0 - miss, cues[0].code, cues[0].reason)


def _from_neighbours(text: str, verdicts: list[CueVerdict], i: int) -> CueVerdict | None:
    before = i > 0 and verdicts[i - 1].flagged
    after = i + 1 < len(verdicts) and verdicts[i + 1].flagged
    own = verdicts[i]
    if own.score >= WEAK and (before or after):
        return CueVerdict(VOUCHED, own.code, f"{own.reason}, next to other page furniture")
    shape = LineShape.of(text)
    if not (shape.n_words <= 4 and len(shape.text) <= 40 and not shape.terminal):
        return None
    if before and verdicts[i - 1].code == "HY107":
        return CueVerdict(VOUCHED, "HY107", "an item of the tag list above")
    if before and after:
        if looks_like_name(shape):
            return CueVerdict(VOUCHED, "HY101", "a bare name between other page furniture lines")
        return CueVerdict(VOUCHED, "HY108", "a short label between other page furniture lines")
    return None
