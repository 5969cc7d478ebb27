"""Feature rows and labels of the planted documents (scripts/topic_data.py), for
scripts/train_topic.py; cached in build/topic-data/rows.npz.

The rows are made by the detector's own code (``TopicDetector.rows``), on the
shipped int8 embedder (vectors kept in $HYGIENE_EMBED_CACHE when set). The
register probabilities of the project's legal, promotional and news sentences
are out of fold: each comes from a register model trained without that
sentence's group (three folds of the train pool, the cal pool, the test pool),
so a planted legal sentence looks as new to the register model as an unseen
law does at run time. Every other sentence gets the shipped register model.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from topic_sources import split_of  # noqa: E402

from hygiene.detectors.register import CLASSES, RegisterModel  # noqa: E402
from hygiene.detectors.tail import RelatedTailDetector  # noqa: E402
from hygiene.detectors.topic import Calibration, TopicDetector  # noqa: E402
from hygiene.document import Document  # noqa: E402
from hygiene.segment import segment  # noqa: E402

FOLDS = 3


def training_embedder() -> Any:
    """The shipped int8 embedder behind an unbounded cache and, when set, the disk store."""
    import os

    from hygiene.embed.onnx import OnnxEmbedder
    from hygiene.embed.shared import CachedEmbedder
    from hygiene.embed.store import ENV, VectorStore

    inner = OnnxEmbedder()
    path = os.environ.get(ENV)
    store = VectorStore(Path(path), inner.identity) if path else None
    return CachedEmbedder(inner, max_items=10**8, store=store)


def register_group(text: str, label: str) -> str:
    """The out-of-fold group of a register training sentence."""
    split = split_of(f"{label}:{text}")
    if split != "train":
        return split
    import hashlib

    h = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")
    return f"fold{h % FOLDS}"


class OutOfFoldRegister:
    """A register scorer that answers for each of the project's register sentences
    with the model that did not see its group, and with the shipped model otherwise."""

    classes_ = CLASSES

    def __init__(self, embedder: Any) -> None:
        sys.path.insert(0, str(ROOT / "scripts"))
        from train_register import SENTENCES, corpus_news_sentences

        texts, labels = [], []
        for name in ("legal", "promo", "news"):
            lines = (SENTENCES / f"{name}.txt").read_text("utf-8").splitlines()
            texts += [x.strip() for x in lines if x.strip()]
            labels += [name] * sum(1 for x in lines if x.strip())
        extra = corpus_news_sentences()
        texts, labels = texts + extra, labels + ["news"] * len(extra)
        vectors = embedder.embed(texts)
        groups = [register_group(t, y) for t, y in zip(texts, labels, strict=True)]
        self.group_of = dict(zip(texts, groups, strict=True))
        self.models: dict[str, RegisterModel] = {}
        for group in sorted(set(groups)):
            keep = [i for i, g in enumerate(groups) if g != group]
            self.models[group] = RegisterModel().fit(
                [texts[i] for i in keep], vectors[keep], [labels[i] for i in keep]
            )
            print(f"register model without {group}: trained on {len(keep)} sentences")
        self.shipped = RegisterModel.load()
        self.memo: dict[str, Any] = {}

    def predict_proba(self, texts: list[str], vectors: Any) -> Any:
        import numpy as np

        todo: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(texts):
            if t not in self.memo:
                todo[self.group_of.get(t, "shipped")].append(i)
        for group, rows in todo.items():
            model = self.shipped if group == "shipped" else self.models[group]
            proba = model.predict_proba([texts[i] for i in rows], vectors[rows])
            self.memo.update((texts[i], p) for i, p in zip(rows, proba, strict=True))
        return np.array([self.memo[t] for t in texts]).reshape(len(texts), len(CLASSES))


@dataclass
class Doc:
    """What the calibration needs of one planted document."""

    split: str
    host: str
    family: str
    kind: str
    planted: list[dict[str, Any]]  # start, end, kind, unit
    paragraphs: list[tuple[int, int]]  # spans of the judged paragraphs (rows in order)
    sentences: list[tuple[int, int, int]]  # spans of the judged sentences, paragraph row
    tail: list[tuple[int, int]]  # HY202 regions


def covered(a: int, b: int, spans: list[dict[str, Any]], unit: str) -> bool:
    """A unit is planted when planted text of its level covers at least half of it."""
    inside = sum(max(0, min(b, s["end"]) - max(a, s["start"])) for s in spans if s["unit"] == unit)
    return 2 * inside >= b - a


def build_rows(data: Path, out: Path) -> None:
    import numpy as np

    with gzip.open(data, "rt", encoding="utf-8") as fh:
        records = [json.loads(x) for x in fh]
    embedder = training_embedder()
    register = OutOfFoldRegister(embedder)
    stub = Calibration(paragraph=1.0, sentence=1.0, legal=1.0, promo=1.0)
    detector = TopicDetector(embedder, register, stub, models=(None, None))  # type: ignore[arg-type]
    tail = RelatedTailDetector()
    p_rows, s_rows, p_meta, s_meta, docs = [], [], [], [], []
    for n, rec in enumerate(records):
        seg = segment(Document(id=rec["id"], path=rec["id"], text=rec["text"]))
        rows = detector.rows(seg)
        planted = rec["planted"]
        paragraphs = [(seg.paragraphs[i].start, seg.paragraphs[i].end) for i in rows.paragraphs]
        para_row = {index: row for row, index in enumerate(rows.paragraphs)}
        sentences = []
        for row, index in enumerate(rows.sentences):
            s = seg.sentences[index]
            holder = next(p.index for p in seg.paragraphs if p.start <= s.start < p.end)
            sentences.append((s.start, s.end, para_row.get(holder, -1)))
            in_planted_paragraph = covered(s.start, s.end, planted, "paragraph")
            label = covered(s.start, s.end, planted, "sentence")
            s_rows.append(rows.sentence_rows[row])
            s_meta.append((len(docs), label, in_planted_paragraph))
        for row, (a, b) in enumerate(paragraphs):
            p_rows.append(rows.paragraph_rows[row])
            p_meta.append((len(docs), covered(a, b, planted, "paragraph"), False))
        regions = [(f.start, f.end) for f in tail.detect(seg) if f.code == "HY202"]
        docs.append(
            Doc(
                rec["split"],
                rec["host"],
                rec["family"],
                rec["kind"],
                planted,
                paragraphs,
                sentences,
                regions,
            )
        )
        if n % 1000 == 0:
            print(f"{n}/{len(records)} documents", flush=True)
    np.savez_compressed(
        out,
        paragraph_rows=np.array(p_rows),
        paragraph_meta=np.array(p_meta, dtype=np.int64),
        sentence_rows=np.array(s_rows),
        sentence_meta=np.array(s_meta, dtype=np.int64),
    )
    out.with_suffix(".docs.json").write_text(json.dumps([d.__dict__ for d in docs]))
    print(f"wrote {out} ({len(p_rows)} paragraph rows, {len(s_rows)} sentence rows)")


def load_rows(out: Path) -> tuple[dict[str, Any], list[Doc]]:
    import numpy as np

    arrays = dict(np.load(out))
    docs = [Doc(**d) for d in json.loads(out.with_suffix(".docs.json").read_text())]
    return arrays, docs


if __name__ == "__main__":
    data_dir = ROOT / "build" / "topic-data"
    build_rows(data_dir / "docs.jsonl.gz", data_dir / "rows.npz")
