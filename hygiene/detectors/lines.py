"""What a line of a page is: the line models behind the furniture rules.

A line model gives every paragraph of a document a ``Verdict`` (a score, the
HY1xx rule it falls under, a reason). ``HeuristicLineModel`` combines the
hand-written cues of ``hygiene.detectors.cues``; ``LearnedLineModel`` (logistic
regression, stored as JSON, trained by ``scripts/train_line_model.py``) scores
the same cues together with general properties of a line and of its place on
the page: length and punctuation, capitalisation, position, its neighbours, and
whether it sits inside the page's main block of running prose (found as the
best-scoring contiguous run of prose-like lines, the idea of Finn et al.'s Body
Text Extraction). ``JointLineModel``, the default, flags a line when either is
confident.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from hygiene.assets import load_json, models_dir, version_mismatch
from hygiene.detectors.cues import LineShape, line_cues, looks_like_name
from hygiene.segment import Segmented

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class LineContext:
    """One paragraph as the line model sees it: its text and its surroundings."""

    text: str
    index: int
    total: int
    prev: str | None
    next: str | None

    @property
    def position(self) -> float:
        """0.0 at the first paragraph, 1.0 at the last."""
        return self.index / max(self.total - 1, 1)


@dataclass(frozen=True)
class Verdict:
    score: float  # probability-like, 0..1
    code: str  # the HY1xx rule it falls under
    reason: str
    learned: bool = False  # from the learned line model's place-on-the-page evidence alone


class LineModel(Protocol):
    """Scores paragraphs of one document as page furniture."""

    threshold: float

    def predict(self, lines: Sequence[LineContext]) -> list[Verdict]: ...


def contexts(seg: Segmented) -> list[LineContext]:
    paras = [p.text for p in seg.paragraphs]
    n = len(paras)
    return [
        LineContext(text, i, n, paras[i - 1] if i else None, paras[i + 1] if i + 1 < n else None)
        for i, text in enumerate(paras)
    ]


class HeuristicLineModel:
    """Cues combined by noisy-OR, then a pass that lets furniture vouch for its neighbours.

    Furniture comes in clusters (a name between a caption and "Updated:"), so a
    short label or a weak cue counts when the lines around it are furniture.
    """

    threshold = 0.5
    weak = 0.25  # a weak cue plus one furniture neighbour is enough

    def predict(self, lines: Sequence[LineContext]) -> list[Verdict]:
        verdicts = [self._own(line) for line in lines]
        for _ in range(3):
            changed = False
            for i, line in enumerate(lines):
                if verdicts[i].score >= self.threshold or i == 0:
                    continue
                better = self._from_neighbours(line, verdicts, i)
                if better is not None:
                    verdicts[i] = better
                    changed = True
            if not changed:
                break
        return verdicts

    def _own(self, line: LineContext) -> Verdict:
        cues = line_cues(line.text)
        if not cues:
            return Verdict(0.0, "", "")
        miss = 1.0
        for cue in cues:
            miss *= 1.0 - cue.weight
        top = cues[0]
        return Verdict(1.0 - miss, top.code, top.reason)

    def _from_neighbours(
        self, line: LineContext, verdicts: list[Verdict], i: int
    ) -> Verdict | None:
        before = i > 0 and verdicts[i - 1].score >= self.threshold
        after = i + 1 < len(verdicts) and verdicts[i + 1].score >= self.threshold
        own = verdicts[i]
        if own.score >= self.weak and (before or after):
            return Verdict(0.55, own.code, f"{own.reason}, next to other page furniture")
        shape = LineShape.of(line.text)
        label = shape.n_words <= 4 and len(shape.text) <= 40 and not shape.terminal
        if not label:
            return None
        if before and verdicts[i - 1].code == "HY107":
            return Verdict(0.55, "HY107", "an item of the tag list above")
        if before and after:
            if looks_like_name(shape):
                return Verdict(0.55, "HY101", "a bare name between other page furniture lines")
            return Verdict(0.55, "HY108", "a short label between other page furniture lines")
        return None


# --- features of a line and its context, for the learned model ------------------------------

CUE_CODES = tuple(f"HY10{i}" for i in range(1, 9))
_STOP = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been it its "
    "this that he she they we his her their not will would has have had said says who which".split()
)
_URL = re.compile(r"https?://|www\.")
_DOT_WORD = re.compile(r"\.\w")


def _has_link(text: str) -> bool:
    """A URL, or an e-mail-like token: the same as searching ``\\S+@\\S+\\.\\w+``, in
    linear time (that pattern backtracks cubically on a long run of '@')."""
    if _URL.search(text):
        return True
    for token in text.split():
        at = token.find("@", 1)  # the first '@' with something before it
        if at > 0 and _DOT_WORD.search(token, at + 2):
            return True
    return False


_BULLET = re.compile(r"^[-–—•*·>»|]\s")

OWN = (
    "log_words",
    "log_chars",
    "terminal",
    "ends_colon",
    "starts_upper",
    "starts_digit",
    "starts_bullet",
    "title_ratio",
    "upper_ratio",
    "digit_ratio",
    "stop_ratio",
    "url",
    "pipes",
    "prose",
)
FEATURES: tuple[str, ...] = (
    *(f"cue_{c}" for c in CUE_CODES),
    *OWN,
    "cue_any",
    "rel_position",
    "is_first",
    "log_from_top",
    "log_from_bottom",
    "prev_cue",
    "next_cue",
    "prev_log_words",
    "next_log_words",
    "prev_prose",
    "next_prose",
    "in_main_block",
    "log_block_distance",
    "doc_prose_share",
)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Words, counting two CJK characters as one (those scripts do not space words)."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def _own(text: str) -> tuple[list[float], float]:
    """The line's own shape features, and its strongest cue."""
    shape = LineShape.of(text)
    words = shape.words
    n = max(len(words), 1)
    n_words = word_count(shape.text)
    cues = {c: 0.0 for c in CUE_CODES}
    for cue in line_cues(text):
        cues[cue.code] = max(cues[cue.code], cue.weight)
    stop = sum(w.lower() in _STOP for w in words) / n
    # Sentence-shaped and long enough; the stopword share is a feature, not a
    # condition, so that prose in other languages still counts as prose.
    terminal = shape.terminal or shape.text.endswith(("。", "！", "？"))
    prose = float(n_words >= 8 and terminal)
    own = [
        math.log1p(n_words),
        math.log1p(len(shape.text)),
        float(terminal),
        float(shape.text.endswith(":")),
        float(shape.text[:1].isupper()),
        float(shape.text[:1].isdigit()),
        float(bool(_BULLET.match(shape.text))),
        sum(w[:1].isupper() for w in words) / n,
        sum(w.isupper() and len(w) > 1 for w in words) / n,
        sum(any(ch.isdigit() for ch in w) for w in words) / n,
        stop,
        float(_has_link(shape.text)),
        float(shape.text.count("|") >= 2),
        prose,
    ]
    return [*cues.values(), *own], max(cues.values())


def main_block(prose: Sequence[float], words: Sequence[int]) -> tuple[int, int]:
    """The contiguous run of lines that maximises prose words minus other lines' words."""
    best, best_span = -math.inf, (0, -1)
    run, start = 0.0, 0
    for i, (is_prose, n) in enumerate(zip(prose, words, strict=True)):
        gain = float(n) if is_prose else -(min(n, 30) + 3.0)
        if run <= 0:
            run, start = gain, i
        else:
            run += gain
        if run > best:
            best, best_span = run, (start, i)
    return best_span


def line_features(lines: Sequence[LineContext]) -> npt.NDArray[np.float64]:
    """One row of FEATURES per paragraph of a document."""
    import numpy as np

    own = [_own(line.text) for line in lines]
    n = len(lines)
    prose = [row[len(CUE_CODES) + OWN.index("prose")] for row, _ in own]
    words = [word_count(line.text) for line in lines]
    lo, hi = main_block(prose, words) if n else (0, -1)
    share = sum(prose) / n if n else 0.0
    rows = []
    for i, (row, top_cue) in enumerate(own):
        prev = own[i - 1] if i > 0 else None
        nxt = own[i + 1] if i + 1 < n else None
        distance = 0 if lo <= i <= hi else (lo - i if i < lo else i - hi)
        rows.append(
            [
                *row,
                top_cue,
                i / max(n - 1, 1),
                float(i == 0),
                math.log1p(i),
                math.log1p(n - 1 - i),
                prev[1] if prev else 0.0,
                nxt[1] if nxt else 0.0,
                math.log1p(words[i - 1]) if prev else 0.0,
                math.log1p(words[i + 1]) if nxt else 0.0,
                prose[i - 1] if prev else 0.0,
                prose[i + 1] if nxt else 0.0,
                float(lo <= i <= hi),
                math.log1p(distance),
                share,
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(n, len(FEATURES))


# --- the learned model ----------------------------------------------------------------------

FORMAT = "hygiene-line-model/1"
MODEL_FILE = "line-model.json"


class LearnedLineModel:
    """scikit-learn style: ``fit(X, y)``, ``predict_proba(X)``; ``predict`` gives verdicts."""

    def __init__(self, threshold: float = 0.9) -> None:
        self.threshold = threshold
        self.mean: Any = None
        self.scale: Any = None
        self.coef: Any = None
        self.intercept = 0.0
        self.meta: dict[str, Any] = {}

    def fit(self, x: Any, y: Sequence[int], c: float = 1.0) -> LearnedLineModel:
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        self.mean = x.mean(axis=0)
        self.scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
        lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        lr.fit((x - self.mean) / self.scale, list(y))
        self.coef = lr.coef_[0]
        self.intercept = float(lr.intercept_[0])
        return self

    def predict_proba(self, x: Any) -> Any:
        import numpy as np

        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, lines: Sequence[LineContext]) -> list[Verdict]:
        if not lines:
            return []
        x = line_features(lines)
        proba = self.predict_proba(x)
        verdicts = []
        for row, p in zip(x, proba, strict=True):
            cues = dict(zip(CUE_CODES, row[: len(CUE_CODES)], strict=True))
            code, strength = max(cues.items(), key=lambda kv: kv[1])
            contributions = (row - self.mean) / self.scale * self.coef
            top = [FEATURES[i] for i in contributions.argsort()[::-1][:2]]
            reason = f"the line model scores it {p:.2f} as page furniture ({', '.join(top)})"
            verdicts.append(
                Verdict(float(p), code if strength > 0 else "HY108", reason, learned=True)
            )
        return verdicts

    def save(self, path: Path) -> None:
        data = {
            "format": FORMAT,
            "features": list(FEATURES),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
            "threshold": self.threshold,
            "meta": self.meta,
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> LearnedLineModel:
        """The model at ``path``, or the shipped one (read once per process)."""
        return _shipped_model() if path is None else cls._load(path)

    @classmethod
    def _load(cls, path: Path | None) -> LearnedLineModel:
        import numpy as np

        data = load_json(MODEL_FILE, path)
        if data.get("format") != FORMAT or tuple(data.get("features", ())) != FEATURES:
            where = path or models_dir() / MODEL_FILE
            raise version_mismatch(MODEL_FILE, where, "does not match this version's line features")
        model = cls(threshold=float(data["threshold"]))
        model.mean = np.array(data["mean"])
        model.scale = np.array(data["scale"])
        model.coef = np.array(data["coef"])
        model.intercept = float(data["intercept"])
        model.meta = data.get("meta", {})
        return model


@functools.cache
def _shipped_model() -> LearnedLineModel:
    return LearnedLineModel._load(None)


class JointLineModel:
    """Furniture when the heuristic cues or the learned model say so."""

    def __init__(self, learned: LearnedLineModel | None = None) -> None:
        self.heuristic = HeuristicLineModel()
        self.learned = learned or LearnedLineModel.load()
        self.threshold = 0.5  # verdicts below both models' thresholds are scored under it

    def predict(self, lines: Sequence[LineContext]) -> list[Verdict]:
        out = []
        for h, m in zip(self.heuristic.predict(lines), self.learned.predict(lines), strict=True):
            if h.score >= self.heuristic.threshold:
                out.append(h)
            elif m.score >= self.learned.threshold:
                out.append(m)
            else:
                out.append(Verdict(min(h.score, 0.49), h.code, h.reason))
        return out
