"""The learned line model: logistic regression over line features, stored as JSON.

Trained by ``scripts/train_line_model.py`` on the project's own labelled pages;
it implements the same ``predict`` as the heuristic model and joins it: a line
is furniture when either says so, so the learned model adds the structural
evidence (place on the page, main block, neighbours) that single cues miss.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hygiene.assets import load_json, models_dir, version_mismatch
from hygiene.detectors.furniture import HeuristicLineModel, LineContext, Verdict
from hygiene.detectors.linefeatures import CUE_CODES, FEATURES, line_features

FORMAT = "hygiene-line-model/1"
MODEL_FILE = "line-model.json"


class LearnedLineModel:
    """scikit-learn style: ``fit(X, y)``, ``predict_proba(X)``; ``predict`` gives verdicts."""

    def __init__(self, threshold: float = 0.9) -> None:
        self.threshold = threshold
        self.mean: Any = None
        self.scale: Any = None
        self.coef: Any = None
        self.intercept = 0.0
        self.meta: dict[str, Any] = {}

    def fit(self, x: Any, y: Sequence[int], c: float = 1.0) -> LearnedLineModel:
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        self.mean = x.mean(axis=0)
        self.scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
        lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        lr.fit((x - self.mean) / self.scale, list(y))
        self.coef = lr.coef_[0]
        self.intercept = float(lr.intercept_[0])
        return self

    def predict_proba(self, x: Any) -> Any:
        import numpy as np

        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, lines: Sequence[LineContext]) -> list[Verdict]:
        if not lines:
            return []
        x = line_features(lines)
        proba = self.predict_proba(x)
        verdicts = []
        for row, p in zip(x, proba, strict=True):
            cues = dict(zip(CUE_CODES, row[: len(CUE_CODES)], strict=True))
            code, strength = max(cues.items(), key=lambda kv: kv[1])
            contributions = (row - self.mean) / self.scale * self.coef
            top = [FEATURES[i] for i in contributions.argsort()[::-1][:2]]
            reason = f"the line model scores it {p:.2f} as page furniture ({', '.join(top)})"
            verdicts.append(
                Verdict(float(p), code if strength > 0 else "HY108", reason, learned=True)
            )
        return verdicts

    def save(self, path: Path) -> None:
        data = {
            "format": FORMAT,
            "features": list(FEATURES),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
            "threshold": self.threshold,
            "meta": self.meta,
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> LearnedLineModel:
        """The model at ``path``, or the shipped one (read once per process)."""
        return _shipped_model() if path is None else cls._load(path)

    @classmethod
    def _load(cls, path: Path | None) -> LearnedLineModel:
        import numpy as np

        data = load_json(MODEL_FILE, path)
        if data.get("format") != FORMAT or tuple(data.get("features", ())) != FEATURES:
            where = path or models_dir() / MODEL_FILE
            raise version_mismatch(MODEL_FILE, where, "does not match this version's line features")
        model = cls(threshold=float(data["threshold"]))
        model.mean = np.array(data["mean"])
        model.scale = np.array(data["scale"])
        model.coef = np.array(data["coef"])
        model.intercept = float(data["intercept"])
        model.meta = data.get("meta", {})
        return model


@functools.cache
def _shipped_model() -> LearnedLineModel:
    return LearnedLineModel._load(None)


class JointLineModel:
    """Furniture when the heuristic cues or the learned model say so."""

    def __init__(self, learned: LearnedLineModel | None = None) -> None:
        self.heuristic = HeuristicLineModel()
        self.learned = learned or LearnedLineModel.load()
        self.threshold = 0.5  # verdicts below both models' thresholds are scored under it

    def predict(self, lines: Sequence[LineContext]) -> list[Verdict]:
        out = []
        for h, m in zip(self.heuristic.predict(lines), self.learned.predict(lines), strict=True):
            if h.score >= self.heuristic.threshold:
                out.append(h)
            elif m.score >= self.learned.threshold:
                out.append(m)
            else:
                out.append(Verdict(min(h.score, 0.49), h.code, h.reason))
        return out
