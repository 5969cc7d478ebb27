"""HY201 off-topic paragraphs and HY203 foreign sentences, by learned models.

Each paragraph, and each sentence of a paragraph of several, is described by
how it stands against the rest of its own document (``topic_features``) and
scored by a model per level trained on real articles with planted paragraphs,
sentences and other stories' headlines (``scripts/train_topic.py``,
``topic-paragraph.json``, ``topic-sentence.json``). Legal or promotional
language is also scored by the register rule (``register_scores``): the register
model's probability, where the rest of the document is not in that register. A
unit is flagged when one of its scores passes its threshold; the thresholds in
``topic.json`` were set together on held-out clean documents, for a budget of
clean documents flagged.

Short lines are judged like any paragraph (an other story's headline is one),
but a document needs enough units for "the rest of the document" to mean
something; a shorter one is not embedded at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from hygiene.assets import load_json, model_file, models_dir, version_mismatch
from hygiene.detectors.appended import MIN_APPENDED, MIN_STORY, appended_story
from hygiene.detectors.cues import LineShape, line_cues
from hygiene.detectors.register import MODEL_FILE as REGISTER_FILE
from hygiene.detectors.register import RegisterModel
from hygiene.detectors.topic_features import (
    PARAGRAPH_FEATURES,
    SENTENCE_FEATURES,
    Units,
    paragraph_features,
    register_scores,
    sentence_features,
)
from hygiene.detectors.vectors import DocVectors, document_vectors, embeddable
from hygiene.embed import Embedder
from hygiene.embed.shared import shared_embedder
from hygiene.findings import Finding, finding
from hygiene.learn import Model, load_model
from hygiene.segment import Segmented

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Floats = npt.NDArray[np.float64]

CALIBRATION_FILE = "topic.json"
PARAGRAPH_MODEL = "topic-paragraph.json"
SENTENCE_MODEL = "topic-sentence.json"
FORMAT = "hygiene-topic/2"


class RegisterScorer(Protocol):
    """What the detector asks of a register model (the training script passes its own)."""

    classes_: tuple[str, ...]

    def predict_proba(self, texts: list[str], vectors: Any) -> Floats: ...


@dataclass(frozen=True)
class Calibration:
    """Decision thresholds on the models' probabilities; see scripts/train_topic.py."""

    paragraph: float  # the paragraph topic model
    sentence: float  # the sentence topic model
    legal: float  # the register rule's legal score, at either level
    promo: float  # its promotional score
    min_sentences: int = 5  # sentence units a document needs before any is judged
    min_paragraphs: int = 4  # likewise for paragraphs

    @classmethod
    def load(cls, path: Path | None = None) -> Calibration:
        data = load_json(CALIBRATION_FILE, path)
        where = path or models_dir() / CALIBRATION_FILE
        if data.get("format") != FORMAT:
            raise version_mismatch(CALIBRATION_FILE, where, f"is not {FORMAT}")
        try:
            return cls(**data["thresholds"])
        except (KeyError, TypeError) as exc:
            problem = f"has no valid thresholds ({exc})"
            raise version_mismatch(CALIBRATION_FILE, where, problem) from exc


@dataclass(frozen=True)
class Scored:
    """One judged unit: its index (into seg.paragraphs or seg.sentences), the
    probability of its level's topic model, its legal and promotional scores by
    the register rule, and its feature row (named by the topic model's
    features)."""

    index: int
    topic: float
    legal: float
    promo: float
    row: dict[str, float]

    def passed(self, cal: Calibration, topic: float) -> list[str]:
        """Which scores pass their thresholds (``topic``: this level's)."""
        scores = [
            ("topic", self.topic, topic),
            ("legal", self.legal, cal.legal),
            ("promotional", self.promo, cal.promo),
        ]
        return [
            f"{name} score {value:.2f} >= {limit:.2f}"
            for name, value, limit in scores
            if value >= limit
        ]

    @property
    def score(self) -> float:
        return max(self.topic, self.legal, self.promo)


@dataclass(frozen=True)
class Rows:
    """The judged units of one document and their feature rows, per level."""

    paragraphs: list[int]
    paragraph_rows: Floats
    sentences: list[int]
    sentence_rows: Floats


class TopicDetector:
    name = "topic"
    codes: tuple[str, ...] = ("HY201", "HY202", "HY203")

    def __init__(
        self,
        embedder: Embedder | None = None,
        register: RegisterScorer | None = None,
        calibration: Calibration | None = None,
        models: tuple[Model, Model] | None = None,
    ) -> None:
        self._embedder = embedder
        self._register = register
        if register is None:
            model_file(REGISTER_FILE)  # loaded on first use; missing is said now
        self.calibration = calibration or Calibration.load()
        self.paragraph_model, self.sentence_model = models or (
            load_model(PARAGRAPH_MODEL, PARAGRAPH_FEATURES),
            load_model(SENTENCE_MODEL, SENTENCE_FEATURES),
        )

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = shared_embedder()
        return self._embedder

    @property
    def register(self) -> RegisterScorer:
        if self._register is None:
            self._register = RegisterModel.load()
        return self._register

    def detect(self, seg: Segmented) -> list[Finding]:
        paragraphs, sentences = self.scores(seg)
        flagged_sentences, flagged_paragraphs = decide(seg, paragraphs, sentences, self.calibration)
        found = [self._sentence_finding(seg, s) for s in flagged_sentences] + [
            self._paragraph_finding(seg, p) for p in flagged_paragraphs
        ]
        appended = self._appended(seg)
        return found if appended is None else [*found, appended]

    def _appended(self, seg: Segmented) -> Finding | None:
        """Another story glued after this one (``appended.py``), as one HY202 region."""
        if len(embeddable(seg).paragraph_ids) < MIN_STORY + MIN_APPENDED:
            return None  # too short to split, and nothing is embedded for it
        story = appended_story(seg, document_vectors(seg, self.embedder))
        if story is None:
            return None
        first, last = seg.paragraphs[story.start], seg.paragraphs[-1]
        headline = LineShape.of(first.text).text
        message = (
            f"another story glued after the story: '{headline}' and what follows stand "
            f"apart from the story above (cosine {story.cosine:.2f} between the two), "
            f"lines {first.line}-{last.end_line}"
        )
        return finding("HY202", seg.region(first.start, last.end), 0.9, message)

    def scores(self, seg: Segmented) -> tuple[list[Scored], list[Scored]]:
        """The judged paragraphs and sentences with their scores."""
        rows = self.rows(seg)
        return (
            _scored(self.paragraph_model, rows.paragraphs, rows.paragraph_rows),
            _scored(self.sentence_model, rows.sentences, rows.sentence_rows),
        )

    def rows(self, seg: Segmented) -> Rows:
        """Feature rows of the units this document has to judge (none when too short:
        then nothing is embedded)."""
        import numpy as np

        ids, cal = embeddable(seg), self.calibration
        judge_paragraphs = len(ids.paragraph_ids) >= cal.min_paragraphs
        judge_sentences = len(ids.sentence_ids) >= cal.min_sentences
        if not (judge_paragraphs or judge_sentences):
            empty = np.zeros((0, 0))
            return Rows([], empty, [], empty)
        vecs = document_vectors(seg, self.embedder)
        levels = _levels(seg, vecs, self.register)
        p_rows = paragraph_features(levels.paragraphs, levels.paragraph_sizes)
        paragraphs = list(vecs.paragraph_ids) if judge_paragraphs else []
        sentences, s_rows = [], np.zeros((0, len(SENTENCE_FEATURES)))
        if judge_sentences:
            owner = vecs.sentence_paragraph
            loo = p_rows[:, PARAGRAPH_FEATURES.index("loo")]
            all_rows = sentence_features(levels.sentences, owner, loo)
            keep = [
                row
                for row, index in enumerate(vecs.sentence_ids)
                if levels.paragraph_sizes[owner[row]] > 1 and not _furniture_cue(seg, index)
            ]
            sentences = [vecs.sentence_ids[row] for row in keep]
            s_rows = all_rows[keep]
        return Rows(paragraphs, p_rows if judge_paragraphs else p_rows[:0], sentences, s_rows)

    def _sentence_finding(self, seg: Segmented, s: Scored) -> Finding:
        why = _comparison(s.row, "sentence")
        why.append(f"{s.row['paragraph_cos']:.2f} to the rest of its paragraph")
        message = f"sentence foreign to its document ({self._scores(s, 'sentence')}): " + (
            "; ".join([*_register_reason(s.row), ", ".join(why)])
        )
        return finding("HY203", seg.sentences[s.index], s.score, message)

    def _paragraph_finding(self, seg: Segmented, p: Scored) -> Finding:
        para, cal = seg.paragraphs[p.index], self.calibration
        by_register = p.legal >= cal.legal or p.promo >= cal.promo
        if by_register and len(seg.sentences_of(para)) == 1:
            code, what = "HY203", "sentence foreign to its document"
        elif p.row["headline_like"]:
            code, what = "HY201", "line about something else, shaped like a headline"
        else:
            code, what = "HY201", "paragraph about something else"
        message = f"{what} ({self._scores(p, 'paragraph')}): " + (
            "; ".join([*_register_reason(p.row), ", ".join(_comparison(p.row, "paragraph"))])
        )
        return finding(code, para, p.score, message)

    def _scores(self, unit: Scored, level: str) -> str:
        """The scores that passed their thresholds."""
        cal = self.calibration
        return ", ".join(unit.passed(cal, cal.paragraph if level == "paragraph" else cal.sentence))


@dataclass(frozen=True)
class _Levels:
    paragraphs: Units
    paragraph_sizes: list[int]
    sentences: Units


def _levels(seg: Segmented, vecs: DocVectors, register: RegisterScorer) -> _Levels:
    """Both levels of a document as ``Units``: vectors, weights, register, title."""
    import numpy as np

    s_texts = [seg.sentences[i].text for i in vecs.sentence_ids]
    proba = register.predict_proba(s_texts, vecs.sentences)
    s_register = proba[:, [register.classes_.index("legal"), register.classes_.index("promo")]]
    owner = np.asarray(vecs.sentence_paragraph)
    lengths = np.array([len(t) for t in s_texts], dtype=np.float64)
    n_par = len(vecs.paragraph_ids)
    p_register = np.zeros((n_par, 2))
    weighted = s_register * lengths[:, None]
    for k in range(2):  # bincount: np.add.at is slow
        p_register[:, k] = np.bincount(owner, weights=weighted[:, k], minlength=n_par)
    p_register /= np.bincount(owner, weights=lengths, minlength=n_par)[:, None]
    p_vecs = vecs.paragraphs.astype(np.float64)
    # The title is the first paragraph (a headline or the lede); the first
    # paragraph itself is compared with the second.
    first, second = p_vecs[0], p_vecs[min(1, n_par - 1)]
    p_title = np.tile(first, (n_par, 1))
    p_title[0] = second
    p_texts = [seg.paragraphs[i].text for i in vecs.paragraph_ids]
    paragraphs = Units(p_texts, p_vecs, np.sqrt([len(t) for t in p_texts]), p_register, p_title)
    s_title = np.where((owner == 0)[:, None], second[None, :], first[None, :])
    sentences = Units(
        s_texts, vecs.sentences.astype(np.float64), np.ones(len(s_texts)), s_register, s_title
    )
    return _Levels(paragraphs, np.bincount(owner, minlength=n_par).tolist(), sentences)


def decide(
    seg: Segmented, paragraphs: list[Scored], sentences: list[Scored], cal: Calibration
) -> tuple[list[Scored], list[Scored]]:
    """The sentences and paragraphs to flag: a paragraph that holds a flagged
    sentence is judged by that sentence alone."""
    flagged = [s for s in sentences if s.passed(cal, cal.sentence)]
    holding = {_paragraph_of(seg, seg.sentences[s.index].start) for s in flagged}
    return flagged, [
        p for p in paragraphs if p.passed(cal, cal.paragraph) and p.index not in holding
    ]


def _scored(topic: Model, indices: list[int], rows: Floats) -> list[Scored]:
    if not indices:
        return []
    by_topic = topic.predict_proba(rows)[:, -1]
    register = register_scores(rows, topic.features)
    names = topic.features
    return [
        Scored(
            index, float(t), float(lg), float(pr), dict(zip(names, map(float, row), strict=True))
        )
        for index, t, (lg, pr), row in zip(indices, by_topic, register, rows, strict=True)
    ]


def _comparison(row: dict[str, float], level: str) -> list[str]:
    """What the unit was compared with: the rest of the document, its neighbours."""
    import math

    typical = row["loo"] - row["loo_gap"]
    words = math.expm1(row["words_count"])
    return [
        f"cosine {row['loo']:.2f} to the rest of the document (its other {level}s: "
        f"{typical:.2f} typically)",
        f"{row['neighbour_max']:.2f} to its neighbours",
        f"{row['words_shared'] * words:.0f} of {words:.0f} content words found elsewhere",
    ]


def _register_reason(row: dict[str, float]) -> list[str]:
    """The register clause of a message, when the unit is in a foreign register."""
    out = []
    for name, label in (("legal", "legal"), ("promo", "promotional")):
        p, background = row[name], row[f"{name}_background"]
        if p >= 0.5 and p - background >= 0.3:
            out.append(f"{label} register {p:.2f} in a document otherwise at {background:.2f}")
    return out


def _furniture_cue(seg: Segmented, index: int) -> bool:
    """A sentence that reads as page furniture is HY1xx's business."""
    return any(c.weight >= 0.5 for c in line_cues(seg.sentences[index].text))


def _paragraph_of(seg: Segmented, offset: int) -> int:
    return next(p.index for p in seg.paragraphs if p.start <= offset < p.end)
