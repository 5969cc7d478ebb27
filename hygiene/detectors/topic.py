"""HY201 off-topic paragraphs and HY203 foreign sentences, from embeddings.

Each piece of text is compared with the rest of its own document: its cosine
to the centroid of everything else (leave-one-out), to its neighbours, and its
share of content words found elsewhere in the document. A sentence can also
stand out by register: legal or promotional language in a news story, scored
by the register model against the document's own register. The thresholds come
from ``models/topic.json``, written by ``scripts/calibrate_topic.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hygiene.assets import load_json, model_file, models_dir, version_mismatch
from hygiene.detectors.cues import line_cues
from hygiene.detectors.register import MODEL_FILE as REGISTER_FILE
from hygiene.detectors.register import RegisterModel
from hygiene.detectors.vectors import document_vectors, embeddable
from hygiene.embed import Embedder
from hygiene.embed.shared import shared_embedder
from hygiene.findings import Finding, finding
from hygiene.segment import Segmented

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Floats = npt.NDArray[np.float64]

CALIBRATION_FILE = "topic.json"
_STOP = frozenset(
    "the and for with from that this these those have has had were was are been being will would "
    "could should their there which when where while after before over into about also more most "
    "than then they them what said says just only some such very other another because".split()
)
_WORD = re.compile(r"[a-z][a-z'-]{3,}")
# Quoted or reported speech is the story talking about a text, not a pasted text.
_REPORTED = re.compile(
    r"[\"“”«»]|``|''|\b(?:said|says|told|according\s+to|wrote|added|asked|argued)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Calibration:
    """Decision thresholds; see scripts/calibrate_topic.py for how they are set."""

    sentence_topic: float  # flag a sentence whose topic-shift score exceeds this
    legal: float  # ... or whose legal-register probability exceeds this
    promo: float  # ... or promotional-register probability
    register_background: float  # while the rest of the document is below this
    paragraph_topic: float  # flag a paragraph whose topic-shift score exceeds this
    min_sentences: int = 5
    min_paragraphs: int = 4
    min_words: int = 8

    @classmethod
    def load(cls, path: Path | None = None) -> Calibration:
        data = load_json(CALIBRATION_FILE, path)
        try:
            return cls(**data["thresholds"])
        except (KeyError, TypeError) as exc:
            where = path or models_dir() / CALIBRATION_FILE
            problem = f"has no valid thresholds ({exc})"
            raise version_mismatch(CALIBRATION_FILE, where, problem) from exc


def _content_words(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP}


def topic_shift(vectors: Floats, weights: Floats, words: list[set[str]]) -> Floats:
    """Per row: how far it stands from the rest of the document (higher = further).

    -cosine to the leave-one-out centroid - 0.5 * best neighbour cosine
    - 0.3 * share of its content words used elsewhere in the document.
    """
    import numpy as np

    n = len(vectors)
    total = (vectors * weights[:, None]).sum(axis=0)
    others = total[None, :] - vectors * weights[:, None]
    others /= np.clip(np.linalg.norm(others, axis=1, keepdims=True), 1e-12, None)
    loo = (vectors * others).sum(axis=1)
    sims = vectors @ vectors.T
    neighbour = np.array(
        [max(sims[i, j] for j in (i - 1, i + 1) if 0 <= j < n) if n > 1 else 1.0 for i in range(n)]
    )
    counts = Counter(w for ws in words for w in ws)
    overlap = np.array([sum(counts[w] > 1 for w in ws) / max(len(ws), 1) for ws in words])
    shift: Floats = -loo - 0.5 * neighbour - 0.3 * overlap
    return shift


class TopicDetector:
    name = "topic"
    codes: tuple[str, ...] = ("HY201", "HY203")

    def __init__(
        self,
        embedder: Embedder | None = None,
        register: RegisterModel | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self._embedder = embedder
        self._register = register
        if register is None:
            model_file(REGISTER_FILE)  # loaded on first use; missing is said now
        self.calibration = calibration or Calibration.load()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = shared_embedder()
        return self._embedder

    @property
    def register(self) -> RegisterModel:
        if self._register is None:
            self._register = RegisterModel.load()
        return self._register

    def detect(self, seg: Segmented) -> list[Finding]:
        ids = embeddable(seg)
        cal = self.calibration
        if (
            len(ids.sentence_ids) < cal.min_sentences
            and len(ids.paragraph_ids) < cal.min_paragraphs
        ):
            return []  # too short to judge either way: no need to embed anything
        sentences = self._sentences(seg)
        # A paragraph holding a foreign sentence is judged by that sentence alone.
        holding = {self._paragraph_of(seg, f.start) for f in sentences}
        return sentences + self._paragraphs(seg, skip=holding)

    @staticmethod
    def _paragraph_of(seg: Segmented, offset: int) -> int:
        return next(p.index for p in seg.paragraphs if p.start <= offset < p.end)

    def sentence_scores(self, seg: Segmented) -> list[SentenceScore]:
        """Scores of the sentences that may be judged foreign (none in short documents)."""
        import numpy as np

        cal = self.calibration
        vecs = document_vectors(seg, self.embedder)
        if len(vecs.sentence_ids) < cal.min_sentences:
            return []
        texts = [seg.sentences[i].text for i in vecs.sentence_ids]
        words = [_content_words(t) for t in texts]
        shift = topic_shift(vecs.sentences.astype(np.float64), np.ones(len(texts)), words)
        proba = self.register.predict_proba(texts, vecs.sentences)
        legal = proba[:, self.register.classes_.index("legal")]
        promo = proba[:, self.register.classes_.index("promo")]
        per_paragraph = Counter(vecs.sentence_paragraph)
        scores = []
        for row, sent_index in enumerate(vecs.sentence_ids):
            if len(texts[row].split()) < cal.min_words or any(
                c.weight >= 0.5 for c in line_cues(texts[row])
            ):
                continue  # furniture is HY1xx's business
            rest = np.delete(np.arange(len(texts)), row)
            scores.append(
                SentenceScore(
                    sent_index,
                    per_paragraph[vecs.sentence_paragraph[row]] == 1,
                    bool(_REPORTED.search(texts[row])),
                    float(shift[row]),
                    float(np.median(shift[rest])),
                    float(legal[row]),
                    float(np.median(legal[rest])),
                    float(promo[row]),
                    float(np.median(promo[rest])),
                )
            )
        return scores

    def paragraph_scores(self, seg: Segmented) -> list[tuple[int, float]]:
        """(paragraph index, topic shift) of the paragraphs that may be judged off-topic."""
        import numpy as np

        cal = self.calibration
        vecs = document_vectors(seg, self.embedder)
        if len(vecs.paragraph_ids) < cal.min_paragraphs:
            return []
        paras = [seg.paragraphs[i] for i in vecs.paragraph_ids]
        words = [_content_words(p.text) for p in paras]
        weights = np.sqrt([len(p.text) for p in paras]).astype(np.float64)
        shift = topic_shift(vecs.paragraphs.astype(np.float64), weights, words)
        return [
            (p.index, float(shift[row]))
            for row, p in enumerate(paras)
            if len(p.text.split()) >= cal.min_words
        ]

    def _sentences(self, seg: Segmented) -> list[Finding]:
        cal = self.calibration
        findings: list[Finding] = []
        for sc in self.sentence_scores(seg):
            fired = sentence_rules(sc, cal)
            reasons = []
            if fired["sentence_topic"]:
                reasons.append(
                    f"it stands apart from the rest of the document (topic shift "
                    f"{sc.shift:.2f} > {cal.sentence_topic:.2f})"
                )
            for rule, name, p, background in (
                ("legal", "legal", sc.legal, sc.legal_background),
                ("promo", "promotional", sc.promo, sc.promo_background),
            ):
                if fired[rule]:
                    reasons.append(
                        f"{name} register {p:.2f} in a document otherwise at {background:.2f}"
                    )
            if reasons:
                score = min(
                    0.99, 0.6 + 0.2 * len(reasons) + max(0.0, sc.shift - cal.sentence_topic)
                )
                message = "sentence foreign to its document: " + "; ".join(reasons)
                findings.append(finding("HY203", seg.sentences[sc.index], score, message))
        return findings

    def _paragraphs(self, seg: Segmented, skip: set[int]) -> list[Finding]:
        cal = self.calibration
        findings = []
        for index, shift in self.paragraph_scores(seg):
            if index in skip or shift <= cal.paragraph_topic:
                continue
            message = (
                f"paragraph about something else: topic shift {shift:.2f} against the rest of "
                f"the document (threshold {cal.paragraph_topic:.2f})"
            )
            score = min(0.99, 0.6 + (shift - cal.paragraph_topic))
            findings.append(finding("HY201", seg.paragraphs[index], score, message))
        return findings


@dataclass(frozen=True)
class SentenceScore:
    index: int  # into seg.sentences
    alone: bool  # the only sentence of its paragraph
    reported: bool  # quoted or reported speech
    shift: float
    shift_median: float  # of the document's other sentences
    legal: float
    legal_background: float
    promo: float
    promo_background: float


def sentence_rules(sc: SentenceScore, cal: Calibration) -> dict[str, bool]:
    """Which HY203 rules a sentence meets.

    Topic: it stands apart from the document, inside a paragraph of several
    sentences (a lone sentence is a paragraph, HY201's business). Register:
    legal or promotional language, more so than the rest of the document, in a
    sentence that is also further from the document than its typical sentence,
    and is not quoted or reported speech.
    """

    def register(p: float, background: float, threshold: float) -> bool:
        return (
            not sc.reported
            and p > threshold
            and background < cal.register_background
            and sc.shift > sc.shift_median
        )

    return {
        "sentence_topic": not sc.alone and sc.shift > cal.sentence_topic,
        "legal": register(sc.legal, sc.legal_background, cal.legal),
        "promo": register(sc.promo, sc.promo_background, cal.promo),
    }
