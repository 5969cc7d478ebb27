"""Score a ``hygiene report`` on the planted documents of one split.

    python scripts/topic_eval.py write --split test OUT      # the split's documents as OUT/*.txt
    hygiene report --format json --select HY2 OUT/*.txt -o r.json
    python scripts/topic_eval.py score --split test r.json  # recall per kind, clean flagged
    python scripts/topic_eval.py curve --split test         # the paragraph model's trade-off

A planted unit counts as found when HY2 findings cover at least half of its
characters; a clean document counts as flagged when it has any HY2 finding.

``curve`` asks the shipped paragraph topic model alone (no sentence, legal or
promotional rule) for the score of each planted news paragraph and of the
highest-scoring paragraph of each clean document, and prints, per paragraph
threshold, the share of clean documents it would flag and the recall per donor
(another story on the same topic, from the same outlet, or any other): how
much recall the whole 1 % budget would buy if paragraphs had it alone. With
``--embedder sentence-transformers`` the vectors are the reference fp32 MiniLM's
instead of the shipped int8 path's.
Reads ``build/topic-data/docs.jsonl.gz`` (scripts/topic_data.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "build" / "topic-data" / "docs.jsonl.gz"


def file_name(doc_id: str) -> str:
    return doc_id.replace(":", "_").replace("/", "_").replace("#", "_") + ".txt"


def documents(split: str) -> list[dict[str, Any]]:
    with gzip.open(DOCS, "rt", encoding="utf-8") as f:
        return [d for d in map(json.loads, f) if d["split"] == split]


def write(split: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for d in documents(split):
        (out / file_name(d["id"])).write_text(d["text"], encoding="utf-8")


def covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    hit = sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
    return 2 * hit >= end - start


def score(split: str, report: Path) -> None:
    found: dict[str, list[tuple[int, int]]] = {}
    for entry in json.loads(report.read_text("utf-8"))["files"]:
        spans = [(f["start"], f["end"]) for f in entry["findings"] if f["code"].startswith("HY2")]
        found[Path(entry["path"]).name] = spans
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for d in documents(split):
        spans = found[file_name(d["id"])]
        if d["kind"] == "clean":
            totals["clean flagged"] += 1
            hits["clean flagged"] += bool(spans)
        for p in d["planted"]:
            totals[p["kind"]] += 1
            hits[p["kind"]] += covered(spans, p["start"], p["end"])
    for kind in sorted(totals):
        print(f"{kind}: {hits[kind]}/{totals[kind]} = {hits[kind] / totals[kind]:.3f}")
    sentences = [k for k in totals if k.startswith("sent-")]
    n = sum(totals[k] for k in sentences)
    print(f"sentence recall: {sum(hits[k] for k in sentences) / n:.3f} of {n}")


CURVE = (0.95, 0.9, 0.8, 0.75, 0.6, 0.4, 0.2)


def paragraph_scores(split: str, backend: str) -> tuple[list[float], dict[str, list[float]]]:
    """The highest paragraph score of each clean document, and each planted news
    paragraph's score per donor (-1 where the document is too short to be judged),
    with MiniLM run by ``backend`` (onnx: the shipped int8 path)."""
    from hygiene.detectors.topic import TopicDetector
    from hygiene.document import Document
    from hygiene.embed.shared import shared_embedder
    from hygiene.segment import segment

    detector = TopicDetector(embedder=shared_embedder(backend))
    clean: list[float] = []
    planted: dict[str, list[float]] = {}
    for d in documents(split):
        if d["kind"] not in ("clean", "para-news"):
            continue
        seg = segment(Document(id=d["id"], path=d["id"], text=d["text"]))
        paragraphs, _ = detector.scores(seg)
        if d["kind"] == "clean":
            clean.append(max((p.topic for p in paragraphs), default=0.0))
            continue
        for unit in d["planted"]:
            scores = [
                p.topic
                for p in paragraphs
                if seg.paragraphs[p.index].start < unit["end"]
                and seg.paragraphs[p.index].end > unit["start"]
            ]
            planted.setdefault(unit["donor"], []).append(max(scores, default=-1.0))
    return clean, planted


def curve(split: str, backend: str) -> None:
    clean, planted = paragraph_scores(split, backend)
    every = [s for scores in planted.values() for s in scores]
    sizes = ", ".join(f"{k} {len(v)}" for k, v in sorted(planted.items()))
    print(f"{len(clean)} clean documents; planted paragraphs by donor: {sizes}")
    # The lowest threshold that flags at most 1 % of the clean documents.
    budget = sorted(clean, reverse=True)[int(0.01 * len(clean))] + 1e-6
    for t in sorted({*CURVE, round(budget, 4)}, reverse=True):
        cells = [f"clean flagged {sum(s >= t for s in clean) / len(clean):.3f}"]
        cells.append(f"all {sum(s >= t for s in every) / len(every):.3f}")
        cells += [f"{k} {sum(s >= t for s in v) / len(v):.3f}" for k, v in sorted(planted.items())]
        print(f"threshold {t}: " + " | ".join(cells))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["write", "score", "curve"])
    parser.add_argument("path", type=Path, nargs="?", help="OUT for write, the report for score")
    parser.add_argument("--split", default="test")
    parser.add_argument("--embedder", default="onnx", help="curve: onnx or sentence-transformers")
    args = parser.parse_args(argv)
    if args.action == "write":
        write(args.split, args.path)
    elif args.action == "curve":
        curve(args.split, args.embedder)
    else:
        score(args.split, args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
