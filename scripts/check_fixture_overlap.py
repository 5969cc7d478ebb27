"""Keep the project's training sentences apart from benchmark text.

    .venv/bin/python scripts/check_fixture_overlap.py [--fix] [BENCH_DIR]

Lists (and with --fix removes) every line of fixtures/sentences/*.txt and
fixtures/lines/*.txt that shares a run of seven words with any text file under
the bench folder (../shared/bench by default). Formulae recur word for word in
legislation and wire copy, so this is checked each time lines are added.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = 7


def grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + N]) for i in range(len(words) - N + 1)}


def main(argv: list[str]) -> int:
    fix = "--fix" in argv
    args = [a for a in argv[1:] if a != "--fix"]
    bench = Path(args[0]) if args else ROOT.parent / "shared" / "bench"
    seen: set[tuple[str, ...]] = set()
    for path in bench.rglob("*.txt"):
        seen |= grams(path.read_text(encoding="utf-8", errors="replace"))
    found = 0
    for path in sorted(
        [
            *ROOT.glob("fixtures/sentences/*.txt"),
            *ROOT.glob("fixtures/lines/*.txt"),
            *ROOT.glob("fixtures/furniture/*.txt"),
        ]
    ):
        lines = path.read_text(encoding="utf-8").splitlines()
        clash = [line for line in lines if grams(line) & seen]
        found += len(clash)
        for line in clash:
            print(f"{path.relative_to(ROOT)}: {line[:100]}")
        if fix and clash:
            kept = [line for line in lines if line not in clash]
            path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"{found} lines share {N} words with {bench}" + (" (removed)" if fix and found else ""))
    return 1 if found and not fix else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
