"""Whole-tool operating points of the line model, simulated on held-out folds.

    .venv/bin/python scripts/train_line_model.py --folds-out FOLDS --cv-only
    .venv/bin/python scripts/heldout_line_model.py FOLDS --keep REPORTS
    .venv/bin/python scripts/line_decision.py FOLDS REPORTS
    .venv/bin/python scripts/line_decision.py FOLDS REPORTS --analyse KEPT

Running the whole tool per fold and bench takes a long while, so the decision
rules are compared here on what those runs leave: the merged held-out reports of
one whole-tool run (``REPORTS``) keep every finding but the line model's own
(HY101-HY108 verdicts; glued spans and comment threads stay), and each rule's flagged
paragraphs, from the out-of-fold probabilities in ``FOLDS/oof.npz``, take their
place. Scored as ``score_findings.py`` scores (charF1; false alarms: article
lines at least half flagged, per 1,000 article lines). What other detectors read
from the verdicts (the related-tail detector) is not redone, so the figures are
an estimate; the chosen rule is then run through the whole tool.

``--analyse REPORTS`` sorts the false alarms of a whole-tool run (its merged
reports, ``heldout_line_model.py --keep``) by the path that made them and by the
line's shape; with ``--sample N`` it also prints N of them at random (seeded),
each with the lines around it, for reading by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from line_bench import BENCH, BENCHES, Lines, load_pages, page_lines

LINE_CODES = frozenset(f"HY10{i}" for i in range(1, 9))
# Every verdict of the line model says its score so; glued spans and comment threads,
# under the same codes, come from other detectors.
OWN = "(line model "
SEED = 2026  # of --sample
CUES, SYNTHETIC = 2, 1  # the earlier path's code of a line (0: neither flags it)


@dataclass
class Bench:
    """One bench's characters: each line's span and gold label, and what the other
    rules flag (a boolean per character of each page)."""

    lines: dict[str, list[tuple[int, int, str]]]  # page -> (start, end, label)
    other: dict[str, Any]  # page -> flagged characters of the other rules


def earlier_codes(lines: Lines) -> Any:
    """Per row, what the earlier path says: CUES, SYNTHETIC or 0."""
    import numpy as np

    from hygiene.detectors.cuemodel import cue_verdicts
    from hygiene.detectors.synthetic import SyntheticLineModel

    synthetic = SyntheticLineModel.load()
    out: list[int] = []
    for lo, hi in zip(lines.starts, lines.starts[1:], strict=False):
        texts = lines.texts[lo:hi]
        judged = synthetic.judge(texts)
        out += [
            CUES if c.flagged else SYNTHETIC if p >= synthetic.threshold else 0
            for c, (p, _, _) in zip(cue_verdicts(texts), judged, strict=True)
        ]
    return np.array(out)


def load_bench(bench: str, reports: Path) -> Bench:
    """Gold lines of a bench and the characters its report flags by other rules."""
    import numpy as np

    report = json.loads((reports / f"{bench}.json").read_text("utf-8"))
    found = {Path(f["path"]).name: f["findings"] for f in report["files"]}
    spans: dict[str, list[tuple[int, int, str]]] = {}
    other: dict[str, Any] = {}
    for labels_file in sorted((BENCH / bench).glob("*.labels.json")):
        name = labels_file.name.removesuffix(".labels.json")
        text = (BENCH / bench / f"{name}.txt").read_text("utf-8")
        labels = json.loads(labels_file.read_text("utf-8"))
        rows, pos = [], 0
        for line, label in zip(text.split("\n"), labels, strict=False):
            rows.append((pos, pos + len(line), label))
            pos += len(line) + 1
        spans[name] = rows
        flags = np.zeros(len(text) + 1, dtype=bool)
        for f in found.get(f"{name}.txt", []):
            own = f["code"] in LINE_CODES and OWN in f["message"]
            if f["category"] != "near-duplicate" and not own:
                flags[f["start"] : f["end"]] = True
        other[name] = flags
    return Bench(spans, other)


def score(bench: Bench, paragraphs: dict[str, list[tuple[int, int]]]) -> dict[str, float]:
    """charP, charR, charF1 and false alarms per 1,000 article lines of a bench whose
    other rules' flags are joined by these flagged paragraph spans."""
    tp = fp = fn = alarms = articles = 0
    for name, rows in bench.lines.items():
        flags = bench.other[name].copy()
        for start, end in paragraphs.get(name, []):
            flags[start:end] = True
        for start, end, label in rows:
            if end <= start:
                continue
            hit = int(flags[start:end].sum())
            if label == "boilerplate":
                tp += hit
                fn += end - start - hit
            elif label == "article":
                fp += hit
                articles += 1
                alarms += 2 * hit >= end - start
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    f1 = 2 * p * r / max(p + r, 1e-9)
    return {"P": p, "R": r, "F1": f1, "fa": alarms / max(articles, 1) * 1000, "n": alarms}


def spans_of(lines: Lines, decided: Any, bench: str) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for k, (lo, hi) in enumerate(zip(lines.starts, lines.starts[1:], strict=False)):
        page_bench, name = lines.pages[k].split("/", 1)
        if page_bench != bench:
            continue
        paras = lines.segs[k].paragraphs
        out[name] = [(paras[i - lo].start, paras[i - lo].end) for i in range(lo, hi) if decided[i]]
    return out


def rules(p: Any, e: Any, main: float) -> dict[str, Any]:
    """The decision rules compared: main's (``main``: its threshold for the lines the
    earlier path leaves), the model alone, the model with the cues' lines kept, and
    the model with the earlier path's lines let in at a lower threshold."""
    out = {"main": (e == CUES) | ((e == SYNTHETIC) & (p >= 0.5)) | (p >= main)}
    for t in (0.3, 0.5, 0.7, 0.8, 0.85, 0.87, 0.88, 0.886, 0.9, 0.92, 0.95):
        out[f"alone >= {t}"] = p >= t
    for t in (0.85, 0.87, 0.886, 0.8962, 0.9, 0.92, 0.95):
        for low in (0.0, 0.05):
            out[f"cues >= {low}, any >= {t}"] = ((e == CUES) & (p >= low)) | (p >= t)
    for low in (0.1, 0.3, 0.5, 0.7):
        for t in (0.8, 0.9, 0.95):
            out[f"cues or synthetic >= {low}, any >= {t}"] = ((e > 0) & (p >= low)) | (p >= t)
    return out


def rate_rules(p: Any, e: Any, lines: Lines, folds: Path) -> dict[str, Any]:
    """The cues' lines kept, other lines at the threshold of a rate (the model's added
    false alarms per 1,000 article lines, as ``train_line_model.py`` sets it): chosen
    on all folds, and per fold on the other four (nested: the threshold never saw
    the fold it judges)."""
    import numpy as np

    fold_of = json.loads((folds / "folds.json").read_text("utf-8"))
    fold = np.array([fold_of[lines.pages[k]] for k in lines.page])
    article = np.array(lines.y) == 0

    def threshold(rows: Any, rate: float, left: Any) -> float:
        scores = np.sort(p[article & left & rows])[::-1]
        return float(scores[int(rate / 1000 * (article & rows).sum())] + 1e-9)

    # Main's threshold, for the lines neither path flags, at 1 per 1,000, nested too.
    kept = (e == CUES) | ((e == SYNTHETIC) & (p >= 0.5))
    out = {"main, nested": np.zeros(len(p), dtype=bool)}
    for k in sorted(set(fold.tolist())):
        mine = fold == k
        out["main, nested"][mine] = (kept | (p >= threshold(~mine, 1.0, e == 0)))[mine]
    left = e != CUES
    for rate in (40.0, 45.0, 50.0, 55.0):
        t = threshold(np.ones(len(p), dtype=bool), rate, left)
        out[f"cues, rate {rate} (threshold {t:.4f})"] = (e == CUES) | (p >= t)
        nested = np.zeros(len(p), dtype=bool)
        for k in sorted(set(fold.tolist())):
            mine = fold == k
            nested[mine] = ((e == CUES) | (p >= threshold(~mine, rate, left)))[mine]
        out[f"cues, rate {rate}, nested"] = nested
    return out


def source_of(finding: dict[str, Any]) -> str:
    """Which path of the tool made a finding."""
    from hygiene.detectors.lines import KIND_NAMES

    message = str(finding["message"])
    if finding["code"] in LINE_CODES and OWN in message:
        if message.startswith(tuple(KIND_NAMES.values())):
            return "line model (no cue)"
        if message.startswith("the synthetic-page line model"):
            return "synthetic-page model"
        return "written cues"
    if "glued to an article paragraph" in message:
        return "glued furniture"
    if message.startswith("comment thread"):
        return "comment thread (HY106)"
    return str(finding["code"])


def shape_of(text: str, fine: str) -> str:
    """A rough kind of article line, for sorting false alarms."""
    words = text.split()
    digits = sum(c.isdigit() for c in text) / max(len(text), 1)
    if fine == "headline":
        return "headline"
    if text[:1].islower():
        return "hard-wrapped or continued line"
    bullet = text.lstrip()[:1] in tuple("-*•·–—")
    if digits >= 0.15 or bullet or text.count("|") >= 2:
        return "list item, table row or score"
    if len(words) <= 3:
        return "short line (<= 3 words)"
    if len(words) <= 12 and not text.rstrip().endswith((".", "!", "?", '"', "”", ":")):
        return "heading or label (<= 12 words, no full stop)"
    if len(words) <= 12:
        return "short sentence (<= 12 words)"
    return "prose (> 12 words)"


@dataclass(frozen=True)
class Alarm:
    bench: str
    page: str
    line: int
    source: str
    code: str
    around: tuple[str, str, str]  # the previous line, the line, the next line

    def show(self) -> str:
        before, line, after = self.around
        return (
            f"[{self.bench} {self.page}:{self.line}] {self.code} by {self.source}\n"
            f"    before: {before[:80]!r}\n    LINE:   {line[:160]!r}\n    after:  {after[:80]!r}"
        )


def analyse(reports: Path, sample: int = 0) -> None:
    """The article lines at least half flagged in a whole-tool run's merged reports, per
    bench: by the path that flagged most of their characters, and by shape."""
    import random

    import numpy as np

    alarms: list[Alarm] = []
    for bench in BENCHES:
        report = json.loads((reports / f"{bench}.json").read_text("utf-8"))
        by_source: Counter[str] = Counter()
        by_shape: Counter[str] = Counter()
        articles = junk = junk_hit = 0
        for entry in report["files"]:
            name = Path(entry["path"]).name.removesuffix(".txt")
            text = (BENCH / bench / f"{name}.txt").read_text("utf-8")
            labels = json.loads((BENCH / bench / f"{name}.labels.json").read_text("utf-8"))
            meta = json.loads((BENCH / bench / f"{name}.meta.json").read_text("utf-8"))
            fine = list(meta.get("categories") or [])
            owner = np.full(len(text) + 1, -1)
            found = [f for f in entry["findings"] if f["category"] != "near-duplicate"]
            for k, f in enumerate(found):
                owner[f["start"] : f["end"]] = np.where(
                    owner[f["start"] : f["end"]] < 0, k, owner[f["start"] : f["end"]]
                )
            pos = 0
            lines = text.split("\n")
            for i, (line, label) in enumerate(zip(lines, labels, strict=False)):
                start, end = pos, pos + len(line)
                pos = end + 1
                hits = owner[start:end]
                hit = end > start and 2 * int((hits >= 0).sum()) >= end - start
                if label == "boilerplate" and end > start:
                    junk, junk_hit = junk + 1, junk_hit + hit
                if label != "article" or end <= start:
                    continue
                articles += 1
                if not hit:
                    continue
                k = Counter(int(h) for h in hits if h >= 0).most_common(1)[0][0]
                by_source[source_of(found[k])] += 1
                near = (lines[i - 1] if i else "", line, lines[i + 1] if i + 1 < len(lines) else "")
                alarms.append(Alarm(bench, name, i, source_of(found[k]), found[k]["code"], near))
                by_shape[shape_of(line, fine[i] if i < len(fine) else "")] += 1
        total = sum(by_source.values())
        print(
            f"{bench}: {total} false alarms in {articles} article lines; line P "
            f"{junk_hit / max(junk_hit + total, 1):.3f} R {junk_hit / max(junk, 1):.3f}"
        )
        for label, counts in (("path", by_source), ("shape", by_shape)):
            print(f"  by {label}: " + ", ".join(f"{k} {n}" for k, n in counts.most_common()))
    if sample:
        print(f"{min(sample, len(alarms))} of the {len(alarms)} false alarms, at random:")
        for alarm in random.Random(SEED).sample(alarms, min(sample, len(alarms))):
            print(alarm.show())


def main() -> int:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folds", type=Path)
    parser.add_argument("reports", type=Path)
    parser.add_argument("--variant", default="embedding")
    parser.add_argument("--proba", type=Path, help="an .npy of other probabilities, row-aligned")
    parser.add_argument("--save", type=Path, help="write the rows' earlier codes here (.npy)")
    parser.add_argument("--main-threshold", type=float, default=0.990584)
    parser.add_argument(
        "--analyse", type=Path, help="only sort the false alarms of these merged reports"
    )
    parser.add_argument("--sample", type=int, default=0, help="with --analyse: print N alarms")
    args = parser.parse_args()
    if args.analyse:
        analyse(args.analyse, args.sample)
        return 0
    pages = load_pages()
    lines = page_lines(pages)
    p = np.load(args.folds / "oof.npz")[args.variant]
    if args.proba:
        p = np.load(args.proba)
    e = earlier_codes(lines)
    if args.save:
        np.save(args.save, e)
    benches = {b: load_bench(b, args.reports) for b in BENCHES}
    print("rule | " + " | ".join(f"{b} F1 / fa" for b in BENCHES))
    compared = {**rules(p, e, args.main_threshold), **rate_rules(p, e, lines, args.folds)}
    for name, decided in compared.items():
        cells = []
        for b, bench in benches.items():
            s = score(bench, spans_of(lines, decided, b))
            cells.append(f"{s['F1']:.3f} / {s['fa']:.0f}")
        print(f"{name} | " + " | ".join(cells), flush=True)
    counts = Counter(int(x) for x in e)
    print(f"earlier path: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
