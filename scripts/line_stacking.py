"""Stacked sequential learning over the line model's held-out probabilities (an
experiment; nothing ships from it).

    .venv/bin/python scripts/train_line_model.py --folds-out FOLDS --cv-only
    .venv/bin/python scripts/line_decision.py FOLDS REPORTS --save EARLIER.npy
    .venv/bin/python scripts/line_stacking.py FOLDS EARLIER.npy --out STACKED.npy
    .venv/bin/python scripts/line_decision.py FOLDS REPORTS --proba STACKED.npy

A second model reads, per line, the first model's out-of-fold probability of the
line and of its neighbours (three each way, the means over windows of 5 and 11
lines, the page's mean), the page's share of words in lines the first model
calls article, the line's position and its distance to the first and last long
article-like line, the earlier path's code, its word count, and whether its
shape (digits, capitalised and lower-case words, punctuation) repeats its
neighbours' the way the rows of a schedule, a score table or a spec list do.
It is fitted on the same site-grouped folds, and its out-of-fold probabilities
are written row-aligned for ``line_decision.py --proba``.

At the shipped operating point (``cues, rate 45.0, nested``) its charF1 is below
the first model's on every bench (boilerplate, -extracted, big9chaos,
big9chaos-extracted: 0.904 / 0.833 / 0.923 / 0.745 against 0.908 / 0.834 /
0.926 / 0.757), and so is its held-out ROC AUC (0.982 against 0.985), with and
without the shape features: the first model's own context features already
carry what the neighbours' probabilities say.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from line_bench import load_pages, page_lines
from train_line_model import ARTICLE_WEIGHT, TREES

REACH = 3  # neighbours each way
WINDOWS = (2, 5)  # half-widths of the mean windows
PROSE_WORDS = 20  # a long line the first model calls article anchors the story


def shape(text: str) -> tuple[str, ...]:
    """A line's word shapes: 0 for a word with a digit, A capitalised, a lower case,
    else its first two characters (punctuation)."""
    out = []
    for word in text.split():
        if any(c.isdigit() for c in word):
            out.append("0")
        elif word[:1].isalpha():
            out.append("A" if word[:1].isupper() else "a")
        else:
            out.append(word[:2])
    return tuple(out)


def template_features(texts: list[str]) -> Any:
    """Per line: its first three and last two shapes equal the previous and the next
    line's, the run of lines sharing its first three shapes, its digit share."""
    import numpy as np

    shapes = [shape(t) for t in texts]
    n = len(texts)

    def same(i: int, j: int, head: bool) -> float:
        a, b = shapes[i], (shapes[j] if 0 <= j < n else ())
        k = 3 if head else 2
        if len(a) < k or len(b) < k:
            return 0.0
        return float(a[:k] == b[:k]) if head else float(a[-k:] == b[-k:])

    cols = [[same(i, i + d, head) for i in range(n)] for head in (True, False) for d in (-1, 1)]
    run = np.ones(n)
    i = 0
    while i < n:
        j = i
        while j + 1 < n and len(shapes[i]) >= 3 and shapes[j + 1][:3] == shapes[i][:3]:
            j += 1
        run[i : j + 1] = j - i + 1
        i = j + 1
    digits = [sum(c.isdigit() for c in t) / max(len(t), 1) for t in texts]
    return np.column_stack([*cols, run, digits])


def page_features(p: Any, earlier: Any, texts: list[str]) -> Any:
    """The second model's features for one page's lines."""
    import numpy as np

    n = len(p)
    words = np.array([len(t.split()) for t in texts], dtype=float)
    padded = np.concatenate([np.full(REACH, -1.0), p, np.full(REACH, -1.0)])
    cols = [p] + [padded[REACH + d : REACH + d + n] for d in range(-REACH, REACH + 1) if d]
    for w in WINDOWS:
        kernel = np.ones(2 * w + 1)
        total = np.convolve(np.pad(p, w), kernel, "valid")
        count = np.convolve(np.pad(np.ones(n), w), kernel, "valid")
        cols.append(total / count)
    cols.append(np.full(n, p.mean()))
    cols.append(np.full(n, (words * (p < 0.5)).sum() / max(words.sum(), 1.0)))
    cols.append(np.arange(n) / max(n - 1, 1))
    prose = np.flatnonzero((p < 0.3) & (words >= PROSE_WORDS))
    index = np.arange(n)
    if len(prose):
        first, last = prose[0], prose[-1]
        cols += [np.clip(first - index, 0, None), np.clip(index - last, 0, None)]
        cols.append(((index > first) & (index < last)).astype(float))
    else:
        cols += [np.full(n, -1.0)] * 3
    cols += [earlier.astype(float), words]
    return np.column_stack([*cols, template_features(texts)])


def main() -> int:
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import average_precision_score, roc_auc_score

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folds", type=Path, help="train_line_model.py --folds-out")
    parser.add_argument("earlier", type=Path, help="line_decision.py --save")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    lines = page_lines(load_pages())
    oof = np.load(args.folds / "oof.npz")
    p, y = oof["embedding"], oof["y"]
    earlier = np.load(args.earlier)
    fold_of = json.loads((args.folds / "folds.json").read_text("utf-8"))
    fold = np.array([fold_of[lines.pages[k]] for k in lines.page])
    x = np.vstack(
        [
            page_features(p[lo:hi], earlier[lo:hi], lines.texts[lo:hi])
            for lo, hi in zip(lines.starts, lines.starts[1:], strict=False)
        ]
    )
    stacked = np.zeros(len(p))
    scored = y >= 0
    for k in sorted(set(fold.tolist())):
        train = scored & (fold != k)
        model = HistGradientBoostingClassifier(**TREES, random_state=0)
        model.fit(x[train], y[train], sample_weight=np.where(y[train] == 0, ARTICLE_WEIGHT, 1.0))
        stacked[fold == k] = model.predict_proba(x[fold == k])[:, 1]
    np.save(args.out, stacked)
    for name, q in (("line model", p), ("stacked", stacked)):
        auc = roc_auc_score(y[scored], q[scored])
        ap = average_precision_score(y[scored], q[scored])
        print(f"{name}: held-out ROC AUC {auc:.4f}, average precision {ap:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
