"""The line model trained on the project's own synthetic pages: main's learned half.

A logistic regression (``models/line-model-synthetic.json``, trained by
``scripts/train_synthetic_line_model.py`` on pages assembled from the
project's own writing) over the written cues, the line's shape and its place
on the page. Together with the written cues (``hygiene.detectors.cuemodel``)
it is the decision path the tool had before the model learned from real
pages; that model (``hygiene.detectors.lines``) keeps this path and adds
what it is sure of.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hygiene.assets import load_json, models_dir, version_mismatch
from hygiene.detectors.cues import LineShape, line_cues
from hygiene.detectors.linefeatures import BULLET, CUE_CODES, main_block, word_count, word_shares

if TYPE_CHECKING:
    from hygiene.detectors.linefeatures import Matrix

FORMAT = "hygiene-line-model/1"
MODEL_FILE = "line-model-synthetic.json"
_URL = re.compile(r"https?://|www\.")
_DOT_WORD = re.compile(r"\.\w")

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


def _has_link(text: str) -> bool:
    """A URL, or an e-mail-like token, in linear time."""
    if _URL.search(text):
        return True
    for token in text.split():
        at = token.find("@", 1)  # the first '@' with something before it
        if at > 0 and _DOT_WORD.search(token, at + 2):
            return True
    return False


def _own(text: str) -> tuple[list[float], float]:
    """The line's own shape features, and its strongest cue."""
    shape = LineShape.of(text)
    n_words = word_count(shape.text)
    cues = dict.fromkeys(CUE_CODES, 0.0)
    for cue in line_cues(text):
        cues[cue.code] = max(cues[cue.code], cue.weight)
    # Sentence-shaped and long enough; the stopword share is a feature, not a
    # condition, so that prose in other languages still counts as prose.
    terminal = shape.terminal or shape.text.endswith(("。", "！", "？"))
    own = [
        math.log1p(n_words),
        math.log1p(len(shape.text)),
        float(terminal),
        float(shape.text.endswith(":")),
        float(shape.text[:1].isupper()),
        float(shape.text[:1].isdigit()),
        float(bool(BULLET.match(shape.text))),
        *word_shares(text),
        float(_has_link(shape.text)),
        float(shape.text.count("|") >= 2),
        float(n_words >= 8 and terminal),
    ]
    return [*cues.values(), *own], max(cues.values())


def line_features(texts: Sequence[str]) -> Matrix:
    """One row of FEATURES per line of a page."""
    import numpy as np

    own = [_own(text) for text in texts]
    n = len(texts)
    prose = [row[len(CUE_CODES) + OWN.index("prose")] for row, _ in own]
    words = [word_count(text) for text in texts]
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
    matrix: Matrix = np.array(rows, dtype=np.float64).reshape(n, len(FEATURES))
    return matrix


class SyntheticLineModel:
    """scikit-learn style: ``fit(X, y)``, ``predict_proba(X)``; ``judge`` scores a page."""

    def __init__(self, threshold: float = 0.9) -> None:
        self.threshold = threshold
        self.mean: Any = None
        self.scale: Any = None
        self.coef: Any = None
        self.intercept = 0.0
        self.meta: dict[str, Any] = {}

    def fit(self, x: Any, y: Sequence[int], c: float = 1.0) -> SyntheticLineModel:
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
        """Elementwise products, not a matrix product: one this small wakes numpy's
        BLAS threads, whose spinning slows the embedding model's."""
        import numpy as np

        z = (((x - self.mean) / self.scale) * self.coef).sum(axis=1) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def judge(self, texts: Sequence[str]) -> list[tuple[float, str, str]]:
        """Per line: the probability that it is furniture, the rule of its strongest
        cue (HY108 when none) and a reason naming the two features that weigh most."""
        if not texts:
            return []
        x = line_features(texts)
        out = []
        for row, p in zip(x, self.predict_proba(x), strict=True):
            cues = dict(zip(CUE_CODES, row[: len(CUE_CODES)], strict=True))
            code, strength = max(cues.items(), key=lambda kv: kv[1])
            contributions = (row - self.mean) / self.scale * self.coef
            top = [FEATURES[i] for i in contributions.argsort()[::-1][:2]]
            reason = f"the synthetic-page line model scores it {p:.2f} ({', '.join(top)})"
            out.append((float(p), code if strength > 0 else "HY108", reason))
        return out

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
    def load(cls, path: Path | None = None) -> SyntheticLineModel:
        """The model at ``path``, or the shipped one (read once per process)."""
        return _shipped_model() if path is None else cls._load(path)

    @classmethod
    def _load(cls, path: Path | None) -> SyntheticLineModel:
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
def _shipped_model() -> SyntheticLineModel:
    return SyntheticLineModel._load(None)
