"""Register model: is a sentence news prose, legal/regulatory text, or advertising?

Two linear models, averaged: one over the sentence's embedding and a few
lexical markers of register (modals of obligation, cross-references, prices and
offers, reporting verbs, quotes), one over its word uni- and bigrams (tf-idf).
The first knows what legal text is about, the second how it is phrased; their
errors differ, so the average is sharper than either. It follows scikit-learn's
fit/predict_proba conventions; it is trained by ``scripts/train_register.py``
on the project's own sentences in ``fixtures/sentences/`` and stored as JSON
(weights, vocabulary and provenance, no pickle), so loading it needs only numpy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hygiene.assets import load_json, models_dir, version_mismatch

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float64]

FORMAT = "hygiene-register/2"
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
MARKER_PATTERNS = dict(_MARKERS)


def marker_features(text: str) -> list[float]:
    """Capped counts of each register marker."""
    return [min(len(p.findall(text)), 3) / 3 for _, p in _MARKERS]


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def ngrams(text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams, as scikit-learn's default analyzer."""
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in pairwise(words)]


class NgramTfidf:
    """Sublinear tf-idf over a fixed n-gram vocabulary, rows L2-normalised."""

    def __init__(self, vocabulary: dict[str, int], idf: Sequence[float]) -> None:
        self.vocabulary = vocabulary
        self.idf = list(idf)

    def transform(self, texts: Sequence[str]) -> Matrix:
        import math

        import numpy as np

        out = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float64)
        for row, text in enumerate(texts):
            counts: dict[int, int] = {}
            for gram in ngrams(text):
                col = self.vocabulary.get(gram)
                if col is not None:
                    counts[col] = counts.get(col, 0) + 1
            for col, n in counts.items():
                out[row, col] = (1.0 + math.log(n)) * self.idf[col]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        scaled: Matrix = out / np.clip(norms, 1e-12, None)
        return scaled


def features(texts: Sequence[str], vectors: npt.NDArray[np.floating[Any]]) -> Matrix:
    """One row per sentence: its embedding, then its marker features."""
    import numpy as np

    markers = np.array([marker_features(t) for t in texts], dtype=np.float64)
    return np.hstack([np.asarray(vectors, dtype=np.float64), markers.reshape(len(texts), -1)])


def _softmax(logits: Matrix) -> Matrix:
    import numpy as np

    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    proba: Matrix = exp / exp.sum(axis=1, keepdims=True)
    return proba


class _Linear:
    """A fitted multinomial logistic regression: weights in class order."""

    def __init__(self, coef: Matrix, intercept: Matrix) -> None:
        self.coef = coef
        self.intercept = intercept

    @classmethod
    def fit(cls, x: Any, y: Sequence[str], c: float) -> _Linear:
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        lr.fit(x, list(y))
        order = [list(lr.classes_).index(name) for name in CLASSES]
        return cls(lr.coef_[order], lr.intercept_[order])

    def proba(self, x: Matrix) -> Matrix:
        return _softmax(x @ self.coef.T + self.intercept)

    def to_json(self) -> dict[str, Any]:
        return {
            "coef": [[round(float(v), 6) for v in row] for row in self.coef],
            "intercept": [round(float(v), 6) for v in self.intercept],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _Linear:
        import numpy as np

        return cls(np.array(data["coef"], dtype=np.float64), np.array(data["intercept"]))


class RegisterModel:
    """The averaged pair of linear models, with scikit-learn's interface.

    ``fit`` and ``predict_proba`` take the texts and their embeddings together,
    ``(texts, vectors)``, since the two halves read different views of them.
    """

    classes_: tuple[str, ...] = CLASSES

    def __init__(self, c_embedding: float = 3.0, c_ngram: float = 10.0) -> None:
        self.c_embedding = c_embedding
        self.c_ngram = c_ngram
        self._embedding: _Linear | None = None
        self._ngram: _Linear | None = None
        self._tfidf: NgramTfidf | None = None
        self.meta: dict[str, Any] = {}

    def fit(
        self, texts: Sequence[str], vectors: npt.NDArray[np.floating[Any]], y: Sequence[str]
    ) -> RegisterModel:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._embedding = _Linear.fit(features(texts, vectors), y, self.c_embedding)
        vectorizer = TfidfVectorizer(
            analyzer=ngrams, min_df=2, sublinear_tf=True, norm="l2", use_idf=True
        )
        grams = vectorizer.fit_transform(texts)
        self._tfidf = NgramTfidf(
            {k: int(v) for k, v in vectorizer.vocabulary_.items()}, vectorizer.idf_.tolist()
        )
        self._ngram = _Linear.fit(grams, y, self.c_ngram)
        return self

    def predict_proba(self, texts: Sequence[str], vectors: npt.NDArray[np.floating[Any]]) -> Matrix:
        if self._embedding is None or self._ngram is None or self._tfidf is None:
            raise RuntimeError("the register model is not fitted")
        by_embedding = self._embedding.proba(features(texts, vectors))
        by_words = self._ngram.proba(self._tfidf.transform(texts))
        proba: Matrix = (by_embedding + by_words) / 2
        return proba

    def save(self, path: Path) -> None:
        if self._embedding is None or self._ngram is None or self._tfidf is None:
            raise RuntimeError("the register model is not fitted")
        vocabulary = sorted(self._tfidf.vocabulary.items(), key=lambda kv: kv[1])
        data = {
            "format": FORMAT,
            "classes": list(self.classes_),
            "markers": list(MARKER_NAMES),
            "embedding_model": self._embedding.to_json(),
            "ngram_model": self._ngram.to_json(),
            "vocabulary": [gram for gram, _ in vocabulary],
            "idf": [round(v, 6) for v in self._tfidf.idf],
            "meta": self.meta,
        }
        path.write_text(json.dumps(data) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> RegisterModel:
        data = load_json(MODEL_FILE, path)
        if data.get("format") != FORMAT or tuple(data.get("markers", ())) != MARKER_NAMES:
            where = path or models_dir() / MODEL_FILE
            raise version_mismatch(MODEL_FILE, where, f"is not {FORMAT}")
        model = cls()
        model.classes_ = tuple(data["classes"])
        model._embedding = _Linear.from_json(data["embedding_model"])
        model._ngram = _Linear.from_json(data["ngram_model"])
        model._tfidf = NgramTfidf(
            {gram: i for i, gram in enumerate(data["vocabulary"])}, data["idf"]
        )
        model.meta = data.get("meta", {})
        return model
