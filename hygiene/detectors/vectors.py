"""Sentence and paragraph vectors of one document, computed once and shared.

Only text that can carry a topic is embedded: sentences of paragraphs that are
not page furniture. A paragraph's vector is the length-weighted mean of its
sentences' vectors, so each piece of text is embedded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hygiene.detectors.furniture import furniture_flags
from hygiene.embed import Embedder
from hygiene.segment import Segmented
from hygiene.text import word_count

if TYPE_CHECKING:
    from hygiene.embed import Vectors

_KEY = "vectors"
MIN_WORDS = 4  # shorter sentences say too little to place a topic (text.word_count)


@dataclass(frozen=True)
class DocVectors:
    sentence_ids: list[int]  # indexes into seg.sentences
    sentences: Vectors
    paragraph_ids: list[int]  # indexes into seg.paragraphs
    paragraphs: Vectors
    sentence_paragraph: list[int]  # for each embedded sentence, its row in `paragraphs`


@dataclass(frozen=True)
class Embeddable:
    """Which sentences and paragraphs of a document would be embedded."""

    sentence_ids: list[int]
    paragraph_ids: list[int]
    sentence_paragraph: list[int]


def embeddable(seg: Segmented) -> Embeddable:
    """Sentences of paragraphs that are not furniture, long enough to place a topic."""
    cached = seg.derived.get(_KEY + ":ids")
    if isinstance(cached, Embeddable):
        return cached
    flags = furniture_flags(seg)
    sentence_ids: list[int] = []
    owner: list[int] = []
    paragraph_ids: list[int] = []
    for p_index, para in enumerate(seg.paragraphs):
        if flags[p_index] is not None or word_count(para.text) < MIN_WORDS:
            continue
        members = [s.index for s in seg.sentences_of(para) if word_count(s.text) >= MIN_WORDS]
        if not members:
            continue
        paragraph_ids.append(p_index)
        sentence_ids += members
        owner += [len(paragraph_ids) - 1] * len(members)
    result = Embeddable(sentence_ids, paragraph_ids, owner)
    seg.derived[_KEY + ":ids"] = result
    return result


def document_vectors(seg: Segmented, embedder: Embedder) -> DocVectors:
    cached = seg.derived.get(_KEY)
    if isinstance(cached, DocVectors):
        return cached
    import numpy as np

    ids = embeddable(seg)
    texts = [seg.sentences[i].text for i in ids.sentence_ids]
    sent_vecs = embedder.embed(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    para_vecs = np.zeros((len(ids.paragraph_ids), sent_vecs.shape[1]), dtype=np.float32)
    for row, (vec, text) in zip(
        ids.sentence_paragraph, zip(sent_vecs, texts, strict=True), strict=True
    ):
        para_vecs[row] += vec * len(text)
    norms = np.linalg.norm(para_vecs, axis=1, keepdims=True)
    para_vecs = para_vecs / np.clip(norms, 1e-12, None)
    result = DocVectors(
        ids.sentence_ids, sent_vecs, ids.paragraph_ids, para_vecs, ids.sentence_paragraph
    )
    seg.derived[_KEY] = result
    return result
