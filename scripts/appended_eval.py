"""How often the appended-story rule (HY202 without a header, hygiene/detectors/appended.py)
fires on clean documents, and how often it finds another story glued after one.

    .venv/bin/python scripts/appended_eval.py [--split fit|test] [--benches]

Clean documents: those of the planted data (build/topic-data/docs.jsonl.gz,
scripts/topic_data.py) of the split: ``fit`` (train and cal, where the threshold was
chosen) or ``test``; with ``--benches`` also the article lines of the boilerplate
dev pages and the clean intrusion-news articles (real pages, some holding other
stories their annotators kept as article). Appended: each clean document with the
first 2 to 5 paragraphs of another one (seeded) glued after it. For each threshold
of ``GRID`` it prints the clean documents flagged and the appended ones found, with
where the flagged region starts: at the appended story's headline, inside the
appended story, or inside the story itself (too early).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from line_bench import BENCH, load_pages  # noqa: E402

from hygiene.detectors.appended import closest_split  # noqa: E402
from hygiene.detectors.vectors import document_vectors  # noqa: E402
from hygiene.document import Document  # noqa: E402
from hygiene.embed.shared import shared_embedder  # noqa: E402
from hygiene.segment import segment  # noqa: E402

DOCS = ROOT / "build" / "topic-data" / "docs.jsonl.gz"
GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35)


def clean_documents(split: str, benches: bool) -> list[str]:
    with gzip.open(DOCS, "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    wanted = {"fit": ("train", "cal"), "test": ("test",)}[split]
    texts = [d["text"] for d in docs if d["split"] in wanted and d["kind"] == "clean"]
    if benches:
        for page in load_pages(("boilerplate", "boilerplate-big9chaos")):
            kept = [
                line
                for line, label in zip(page.text.split("\n"), page.labels, strict=False)
                if label == "article"
            ]
            texts.append("\n".join(kept) + "\n")
        clean = sorted((BENCH / "intrusion-news").glob("*-clean.txt"))
        texts += [p.read_text("utf-8") for p in clean]
    return texts


def split_of(text: str) -> tuple[float, int] | None:
    """The closest split's cosine and where its region starts (a character offset)."""
    seg = segment(Document(id="d", path="d", text=text))
    split = closest_split(seg, document_vectors(seg, shared_embedder()))
    return None if split is None else (split.cosine, seg.paragraphs[split.start].start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["fit", "test"], default="fit")
    parser.add_argument("--benches", action="store_true")
    args = parser.parse_args()
    texts = clean_documents(args.split, args.benches)
    donors = [t for t in texts if len([p for p in t.split("\n") if p.strip()]) >= 3]
    rng = random.Random(0)
    clean: list[float] = []
    appended: list[tuple[float, int]] = []  # cosine, region start minus the true one
    for text in texts:
        found = split_of(text)
        if found is not None:
            clean.append(found[0])
        paragraphs = [p for p in rng.choice(donors).split("\n") if p.strip()]
        host = text.rstrip("\n") + "\n"
        glued = host + "\n".join(paragraphs[: rng.randint(2, min(5, len(paragraphs)))]) + "\n"
        found = split_of(glued)
        if found is not None:
            appended.append((found[0], found[1] - len(host)))
    print(f"{len(texts)} clean documents ({args.split}{', benches' if args.benches else ''})")
    for t in GRID:
        hits = [offset for cosine, offset in appended if cosine < t]
        print(
            f"threshold {t}: clean flagged {sum(c < t for c in clean)} "
            f"({sum(c < t for c in clean) / len(texts):.2%}); appended found "
            f"{len(hits) / len(texts):.3f} (at the headline {hits.count(0)}, inside it "
            f"{sum(o > 0 for o in hits)}, too early {sum(o < 0 for o in hits)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
