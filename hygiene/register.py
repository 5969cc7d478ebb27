"""Register model: is a sentence news prose, legal/regulatory text, or advertising?

A linear model over the sentence's embedding and a few lexical markers of
register (modals of obligation, cross-references, prices and offers, reporting
verbs, quotes). It follows scikit-learn's fit/predict_proba conventions; it is
trained by ``scripts/train_register.py`` on the project's own sentences in
``fixtures/sentences/`` and stored as JSON (weights and provenance, no pickle),
so loading it needs only numpy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hygiene.embed import models_dir

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float64]

FORMAT = "hygiene-register/1"
MODEL_FILE = "register.json"
CLASSES = ("news", "legal", "promo")

_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("shall", r"\bshall\b"),
        ("should", r"\bshould\b"),
        (
            "cross_reference",
            r"\b(?:article|paragraph|annex|point|subparagraph|chapter|title)\s+[\dIVXLC]+\b"
            r"|\breferred\s+to\s+in\b|\bpursuant\s+to\b|\bin\s+accordance\s+with\b"
            r"|\bregulation\s+\((?:EU|EC|EEC)\)|\bdirective\s+\d|\bmember\s+states?\b",
        ),
        (
            "legal_vocabulary",
            r"\b(?:hereinafter|thereof|therein|whereas|provided\s+that|"
            r"without\s+prejudice|competent\s+authorit\w+|implementing\s+acts?|delegated\s+acts?)\b",
        ),
        (
            "offer",
            r"\b(?:\d+\s?%\s+off|discount|promo(?:tional)?\s+code|use\s+code|coupon|"
            r"free\s+shipping|limited[-\s]time|order\s+now|buy\s+now|shop\s+now|deal|sale|save)\b",
        ),
        ("price", r"[$€£]\s?\d"),
        ("second_person", r"\b(?:you|your|you're|you'll)\b"),
        ("reporting", r"\b(?:said|says|told|according\s+to|reported|announced)\b"),
        ("quote", r"[\"“”]"),
    )
)
MARKER_NAMES = tuple(name for name, _ in _MARKERS)


def marker_features(text: str) -> list[float]:
    """Capped counts of each register marker."""
    return [min(len(p.findall(text)), 3) / 3 for _, p in _MARKERS]


def features(texts: Sequence[str], vectors: npt.NDArray[np.floating[Any]]) -> Matrix:
    """One row per sentence: its embedding, then its marker features."""
    import numpy as np

    markers = np.array([marker_features(t) for t in texts], dtype=np.float64)
    return np.hstack([np.asarray(vectors, dtype=np.float64), markers.reshape(len(texts), -1)])


class RegisterModel:
    """Multinomial logistic regression with scikit-learn's interface."""

    def __init__(self, c: float = 1.0) -> None:
        self.c = c
        self.classes_: tuple[str, ...] = CLASSES
        self.coef_: Matrix | None = None
        self.intercept_: Matrix | None = None
        self.meta: dict[str, Any] = {}

    def fit(self, x: Matrix, y: Sequence[str]) -> RegisterModel:
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=self.c, max_iter=2000, class_weight="balanced")
        lr.fit(x, list(y))
        order = [list(lr.classes_).index(c) for c in self.classes_]
        self.coef_ = lr.coef_[order]
        self.intercept_ = lr.intercept_[order]
        return self

    def predict_proba(self, x: Matrix) -> Matrix:
        import numpy as np

        if self.coef_ is None or self.intercept_ is None:
            raise RuntimeError("the register model is not fitted")
        logits = x @ self.coef_.T + self.intercept_
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        proba: Matrix = exp / exp.sum(axis=1, keepdims=True)
        return proba

    def foreign_proba(self, x: Matrix) -> Matrix:
        """Probability that each row is not news prose."""
        proba = self.predict_proba(x)
        foreign: Matrix = 1.0 - proba[:, self.classes_.index("news")]
        return foreign

    def save(self, path: Path) -> None:
        if self.coef_ is None or self.intercept_ is None:
            raise RuntimeError("the register model is not fitted")
        data = {
            "format": FORMAT,
            "classes": list(self.classes_),
            "markers": list(MARKER_NAMES),
            "coef": [[round(float(v), 6) for v in row] for row in self.coef_],
            "intercept": [round(float(v), 6) for v in self.intercept_],
            "meta": self.meta,
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> RegisterModel:
        import numpy as np

        path = path or models_dir() / MODEL_FILE
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or tuple(data["markers"]) != MARKER_NAMES:
            raise ValueError(
                f"{path} is not a {FORMAT} model for this version of hygiene; "
                "rebuild it with 'python scripts/train_register.py'"
            )
        model = cls()
        model.classes_ = tuple(data["classes"])
        model.coef_ = np.array(data["coef"], dtype=np.float64)
        model.intercept_ = np.array(data["intercept"], dtype=np.float64)
        model.meta = data.get("meta", {})
        return model
