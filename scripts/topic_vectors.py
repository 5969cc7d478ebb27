"""The paragraph vectors behind build/topic-data/rows.npz, in the same row order:
each judged paragraph's MiniLM vector and its leave-one-out centroid (the rest of
its document, weighted as the detector weights it), saved as float16 in
build/topic-data/vectors.npz for scripts/topic_experiment.py --variant pairs.
Analysis only: nothing shipped reads it.

    python scripts/topic_vectors.py
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from topic_rows import training_embedder  # noqa: E402

from hygiene.detectors.topic import Calibration  # noqa: E402
from hygiene.detectors.vectors import document_vectors, embeddable  # noqa: E402
from hygiene.document import Document  # noqa: E402
from hygiene.segment import segment  # noqa: E402


def main() -> int:
    import numpy as np

    data = ROOT / "build" / "topic-data"
    with gzip.open(data / "docs.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = [json.loads(x) for x in fh]
    embedder = training_embedder()
    min_paragraphs = Calibration(paragraph=1.0, sentence=1.0, legal=1.0, promo=1.0).min_paragraphs
    units, centroids = [], []
    for n, rec in enumerate(records):
        seg = segment(Document(id=rec["id"], path=rec["id"], text=rec["text"]))
        if len(embeddable(seg).paragraph_ids) < min_paragraphs:
            continue
        vecs = document_vectors(seg, embedder)
        v = vecs.paragraphs.astype(np.float64)
        w = np.sqrt([len(seg.paragraphs[i].text) for i in vecs.paragraph_ids])
        others = (v * w[:, None]).sum(axis=0)[None, :] - v * w[:, None]
        others /= np.clip(np.linalg.norm(others, axis=1, keepdims=True), 1e-12, None)
        units.append(v.astype(np.float16))
        centroids.append(others.astype(np.float16))
        if n % 1000 == 0:
            print(f"{n}/{len(records)} documents", flush=True)
    out = data / "vectors.npz"
    np.savez(out, unit=np.vstack(units), centroid=np.vstack(centroids))
    print(f"wrote {out} ({sum(len(u) for u in units)} paragraph rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
