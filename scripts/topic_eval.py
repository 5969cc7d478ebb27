"""Score a ``hygiene report`` on the planted documents of one split.

    python scripts/topic_eval.py write --split test OUT      # the split's documents as OUT/*.txt
    hygiene report --format json --select HY2 OUT/*.txt -o r.json
    python scripts/topic_eval.py score --split test r.json  # recall per kind, clean flagged

A planted unit counts as found when HY2 findings cover at least half of its
characters; a clean document counts as flagged when it has any HY2 finding.
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["write", "score"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--split", default="test")
    args = parser.parse_args(argv)
    if args.action == "write":
        write(args.split, args.path)
    else:
        score(args.split, args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
