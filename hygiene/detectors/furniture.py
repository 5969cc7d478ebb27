"""HY1xx: page furniture (bylines, timestamps, captions, calls to action...).

The detector asks the learned line model (``hygiene.detectors.lines``) for a
verdict on every paragraph and flags those it places among page furniture,
each under the rule of its kind. Furniture glued to the start or end of an
article paragraph (a photo credit run into the last sentence, a "click here"
tail) is flagged as its own span, and the rest of the paragraph stays.

The verdicts stay with the segmented document, so the related-tail detector
and the off-topic detector read page structure from them without asking again.
"""

from __future__ import annotations

from dataclasses import dataclass

from hygiene.detectors.cues import LineShape, headline_shaped, teaser_header
from hygiene.detectors.glued import glued_furniture
from hygiene.detectors.lines import LineModel, Verdict, line_vectors, load_line_model
from hygiene.embed import Embedder
from hygiene.findings import Finding, Region, finding
from hygiene.segment import Segmented

VERDICTS = "furniture-verdicts"


@dataclass(frozen=True)
class _Verdicts:
    verdicts: list[Verdict]


def verdicts_of(seg: Segmented, model: LineModel, embedder: Embedder | None) -> list[Verdict]:
    """The model's verdicts on a document's paragraphs, computed once per document."""
    cached = seg.derived.get(VERDICTS)
    if isinstance(cached, _Verdicts):
        return cached.verdicts
    texts = [p.text for p in seg.paragraphs]
    vectors = None
    if model.uses_embeddings and embedder is not None:
        vectors = line_vectors(seg, embedder, model.vectors)
    verdicts = model.predict(texts, vectors)
    seg.derived[VERDICTS] = _Verdicts(verdicts)
    return verdicts


def furniture_flags(seg: Segmented, embedder: Embedder | None = None) -> list[Verdict | None]:
    """Per paragraph, its furniture verdict when it is furniture, else None.

    Reuses what the furniture detector computed for this document; other
    detectors read page structure from it. Without an embedder, and when no
    detector has judged the document yet, the model without embeddings judges it.
    """
    cached = seg.derived.get(VERDICTS)
    if isinstance(cached, _Verdicts):
        verdicts = cached.verdicts  # no model to load
    else:
        model = load_line_model(embeddings=embedder is not None)
        verdicts = verdicts_of(seg, model, embedder)
    return [v if v.furniture else None for v in verdicts]


class FurnitureDetector:
    name = "furniture"
    codes: tuple[str, ...] = tuple(f"HY10{i}" for i in range(1, 9))

    def __init__(self, embedder: Embedder | None = None, model: LineModel | None = None) -> None:
        """``embedder`` gives the lines' vectors; without one, the model trained without
        embedding features judges (``--embedder none``). ``model`` replaces the shipped one."""
        self.embedder = embedder
        self.model: LineModel = model or load_line_model(embeddings=embedder is not None)

    def detect(self, seg: Segmented) -> list[Finding]:
        out = []
        verdicts = verdicts_of(seg, self.model, self.embedder)
        teasers = teaser_headlines(seg, verdicts)
        for i, (para, v) in enumerate(zip(seg.paragraphs, verdicts, strict=True)):
            if v.furniture:
                out.append(finding(v.code, para, v.score, v.reason))
                continue
            if i in teasers:
                label = LineShape.of(seg.paragraphs[teasers[i]].text).text
                reason = f"a headline of another story, under '{label}'"
                out.append(finding("HY108", para, TEASER_SCORE, reason))
                continue
            spans = [(s.start - para.start, s.end - para.start) for s in seg.sentences_of(para)]
            for start, end, cue in glued_furniture(para.text, spans):
                where = seg.region(para.start + start, para.start + end)
                out.append(_glued(where, cue.code, cue.weight, cue.reason))
        return out


TEASER_SCORE = 0.85
MAX_TEASERS = 10  # headlines flagged under one label at most


def teaser_headlines(seg: Segmented, verdicts: list[Verdict]) -> dict[int, int]:
    """The headline-shaped lines right under a teaser label the line model flags ("Don't
    miss", then other stories' headlines, then the story goes on), each with its label's
    index. The label vouches for the run; a line of prose ends it."""
    out: dict[int, int] = {}
    paras = seg.paragraphs
    for i, v in enumerate(verdicts):
        if not (v.furniture and teaser_header(paras[i].text)):
            continue
        for j in range(i + 1, min(i + 1 + MAX_TEASERS, len(paras))):
            if not headline_shaped(LineShape.of(paras[j].text)):
                break
            if not verdicts[j].furniture:  # the model may have flagged some itself
                out[j] = i
    return out


def _glued(where: Region, code: str, score: float, reason: str) -> Finding:
    return finding(code, where, score, f"{reason}, glued to an article paragraph")
