"""The whole tool on held-out folds: each dev page judged by a line model that never saw its site.

    .venv/bin/python scripts/train_line_model.py --folds-out /tmp/folds
    .venv/bin/python scripts/heldout_line_model.py /tmp/folds [--embedder none]
        [--max-false-alarms 45] [--benches boilerplate,boilerplate-extracted]

For each fold of ``train_line_model.py --folds-out`` and each bench, runs
``hygiene report --format json`` on the fold's pages with that fold's line
models (the other models are the shipped ones), merges the folds' reports into
one report per bench and scores it with the bench's ``score_findings.py``.
The thresholds are the shipped model's operating point (or the one for
``--max-false-alarms``, from the table chosen on these held-out folds, kept in its
meta), or ``--threshold``; main's decision (the written cues and the synthetic-page
model flagging, the model adding) is ``--threshold 0.990584 --synthetic-threshold 0.5
--cue-threshold 0``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from line_bench import BENCH, BENCHES

ROOT = Path(__file__).resolve().parent.parent
LINE_FILES = ("line-model.json", "line-model-plain.json", "line-direction.json", "line-kinds.json")


Thresholds = tuple[float, float | None, float]


def fold_models(folds: Path, fold: int, into: Path, thresholds: Thresholds) -> Path:
    """A models folder: the shipped files, with this fold's line models at ``thresholds``
    (for any line; for lines only the synthetic-page model flags, None where that model
    is not consulted; for lines the written cues flag)."""
    into.mkdir(parents=True)
    for path in (ROOT / "models").iterdir():
        if path.name not in LINE_FILES:
            os.symlink(path, into / path.name)
    for name in LINE_FILES:
        data = json.loads((folds / f"fold-{fold}" / name).read_text("utf-8"))
        if "threshold" in data["meta"]:
            meta = data["meta"]
            meta["threshold"], meta["synthetic_threshold"], meta["cue_threshold"] = thresholds
        (into / name).write_text(json.dumps(data), "utf-8")
    return into


def operating_point(variant: str, max_rate: float | None) -> Thresholds:
    """The shipped model's thresholds for that many false alarms per 1,000 (None: its
    own), as chosen on the held-out folds (its meta keeps the table)."""
    from hygiene.detectors.lines import MODEL_FILE, PLAIN_FILE

    name = MODEL_FILE if variant == "embedding" else PLAIN_FILE
    meta = json.loads((ROOT / "models" / name).read_text("utf-8"))["meta"]
    rate = meta["max_false_alarms_per_1000"] if max_rate is None else max_rate
    threshold = float(meta["held_out"][variant]["operating_points"][str(rate)]["threshold"])
    synthetic = meta.get("synthetic_threshold")
    cue = float(meta.get("cue_threshold", 0.0))
    return threshold, None if synthetic is None else float(synthetic), cue


def run_bench(
    bench: str, pages: dict[str, int], models: dict[int, Path], embedder: str, tmp: Path
) -> Path:
    """One report for a bench, merged from a run per fold."""
    merged: dict[str, list[object]] = {"files": [], "clusters": [], "errors": []}
    for fold, folder in sorted(models.items()):
        files = [str(BENCH / key) + ".txt" for key, k in pages.items() if k == fold]
        files = [f for f in files if Path(f).parent.name == bench]
        if not files:
            continue
        out = tmp / f"{bench}-{fold}.json"
        env = dict(os.environ, HYGIENE_MODELS=str(folder))
        command = [sys.executable, "-m", "hygiene", "report", "--format", "json"]
        command += ["--embedder", embedder, "-o", str(out), *files]
        subprocess.run(command, env=env, check=False, cwd=ROOT)
        report = json.loads(out.read_text("utf-8"))
        for key in merged:
            merged[key] += report.get(key, [])
    path = tmp / f"{bench}.json"
    path.write_text(json.dumps(merged), "utf-8")
    return path


def clean_documents(
    pages: dict[str, int], models: dict[int, Path], embedder: str, tmp: Path, keep: Path | None
) -> tuple[int, int]:
    """(clean intrusion-news documents with any HY1xx finding, clean documents): each
    judged by the fold that held out the boilerplate page its article comes from."""
    flagged = total = 0
    for fold, folder in sorted(models.items()):
        files = [
            str(path)
            for path in sorted((BENCH / "intrusion-news").glob("*-clean.txt"))
            if pages.get("boilerplate/" + path.name.removesuffix("-clean.txt")) == fold
        ]
        if not files:
            continue
        out = tmp / f"clean-{fold}.json"
        env = dict(os.environ, HYGIENE_MODELS=str(folder))
        command = [sys.executable, "-m", "hygiene", "report", "--format", "json", "--select"]
        command += ["HY1", "--embedder", embedder, "-o", str(out), *files]
        subprocess.run(command, env=env, check=False, cwd=ROOT)
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / out.name).write_text(out.read_text("utf-8"), "utf-8")
        report = json.loads(out.read_text("utf-8"))
        flagged += sum(bool(f["findings"]) for f in report["files"])
        total += len(report["files"])
    return flagged, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folds", type=Path)
    parser.add_argument("--embedder", default="onnx")
    parser.add_argument("--max-false-alarms", type=float, help="default: the shipped model's")
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--synthetic-threshold", type=float)
    parser.add_argument("--cue-threshold", type=float)
    parser.add_argument("--benches", default=",".join(BENCHES))
    parser.add_argument("--keep", type=Path, help="keep the merged reports in this folder")
    args = parser.parse_args()
    variant = "plain" if args.embedder == "none" else "embedding"
    threshold, veto, cue_veto = operating_point(variant, args.max_false_alarms)
    if args.threshold is not None:
        threshold = args.threshold
    if args.synthetic_threshold is not None:
        veto = args.synthetic_threshold
    if args.cue_threshold is not None:
        cue_veto = args.cue_threshold
    print(f"{variant} line models, thresholds {threshold:.6f} / {veto} / {cue_veto}", flush=True)
    pages: dict[str, int] = json.loads((args.folds / "folds.json").read_text("utf-8"))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folds = sorted(set(pages.values()))
        models = {
            k: fold_models(args.folds, k, tmp / f"models-{k}", (threshold, veto, cue_veto))
            for k in folds
        }
        for bench in filter(None, args.benches.split(",")):
            report = run_bench(bench, pages, models, args.embedder, tmp)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / report.name).write_text(report.read_text("utf-8"), "utf-8")
            scored = subprocess.run(
                [sys.executable, str(BENCH / "score_findings.py"), str(BENCH / bench), str(report)],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            print(f"{bench}: {scored.splitlines()[-1] if scored else '(no output)'}", flush=True)
        flagged, total = clean_documents(pages, models, args.embedder, tmp, args.keep)
        print(f"intrusion-news clean documents with any HY1xx finding: {flagged}/{total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
