"""Learned models as plain JSON, run with numpy alone.

The training scripts fit scikit-learn estimators; the tool never imports
scikit-learn or unpickles anything. ``from_sklearn`` copies what a fitted
estimator knows into one of the two kinds below, ``to_json`` writes it and
``load_model`` reads it back, refusing a file of another format or feature list:

- ``LinearModel``: standardised features, logistic regression (binary or
  multinomial).
- ``TreeModel``: a HistGradientBoostingClassifier's trees, node by node.

Both follow scikit-learn's conventions: ``classes`` and ``predict_proba(X)`` with
one column per class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hygiene.assets import load_json, models_dir, version_mismatch

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float64]

FORMAT = "hygiene-learned/1"
_CHUNK = 256  # rows walked at once: bounds the (rows x trees) node arrays


def _softmax_or_sigmoid(raw: Matrix) -> Matrix:
    """Probabilities from raw scores: one column means a binary model."""
    import numpy as np

    if raw.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
        out: Matrix = np.column_stack([1.0 - p, p])
        return out
    shifted = raw - raw.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    proba: Matrix = exp / exp.sum(axis=1, keepdims=True)
    return proba


@dataclass
class LinearModel:
    """Logistic regression over standardised features."""

    features: list[str]
    classes: list[str]
    mean: Matrix
    scale: Matrix
    coef: Matrix  # (1 or n_classes, n_features)
    intercept: Matrix  # (1 or n_classes,)
    meta: dict[str, Any] = field(default_factory=dict)

    kind = "linear"

    @classmethod
    def from_sklearn(
        cls,
        estimator: Any,
        features: Sequence[str],
        mean: Any,
        scale: Any,
        classes: Sequence[str] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> LinearModel:
        """From a fitted LogisticRegression trained on ``(X - mean) / scale``."""
        import numpy as np

        return cls(
            features=list(features),
            classes=[str(c) for c in (classes or estimator.classes_)],
            mean=np.asarray(mean, dtype=np.float64),
            scale=np.asarray(scale, dtype=np.float64),
            coef=np.atleast_2d(np.asarray(estimator.coef_, dtype=np.float64)),
            intercept=np.atleast_1d(np.asarray(estimator.intercept_, dtype=np.float64)),
            meta=dict(meta or {}),
        )

    def decision(self, x: Any) -> Matrix:
        """Raw scores, one column per class (one column for a binary model)."""
        import numpy as np

        z: Matrix = ((np.asarray(x, dtype=np.float64) - self.mean) / self.scale) @ self.coef.T
        return z + self.intercept

    def predict_proba(self, x: Any) -> Matrix:
        return _softmax_or_sigmoid(self.decision(x))

    def contributions(self, row: Any, column: int = -1) -> Matrix:
        """Each feature's share of one row's raw score for one class (for explanations)."""
        import numpy as np

        coef = self.coef[0] if len(self.coef) == 1 else self.coef[column]
        out: Matrix = (np.asarray(row, dtype=np.float64) - self.mean) / self.scale * coef
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "features": self.features,
            "classes": self.classes,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        import numpy as np

        return cls(
            features=list(data["features"]),
            classes=list(data["classes"]),
            mean=np.array(data["mean"], dtype=np.float64),
            scale=np.array(data["scale"], dtype=np.float64),
            coef=np.array(data["coef"], dtype=np.float64),
            intercept=np.array(data["intercept"], dtype=np.float64),
            meta=dict(data.get("meta", {})),
        )


@dataclass
class TreeModel:
    """Gradient-boosted trees, all kept in flat node arrays.

    Trees are walked together, one level per step, so a document's rows cost a
    few numpy operations per level rather than a Python loop per tree.
    """

    features: list[str]
    classes: list[str]
    baseline: Matrix  # (n_outputs,): 1 for binary, else one per class
    roots: npt.NDArray[np.int64]  # first node of each tree
    outputs: npt.NDArray[np.int64]  # which raw-score column each tree adds to
    feature: npt.NDArray[np.int64]
    threshold: Matrix
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    missing_left: npt.NDArray[np.bool_]
    leaf: npt.NDArray[np.bool_]
    value: Matrix
    depth: int
    meta: dict[str, Any] = field(default_factory=dict)

    kind = "trees"

    @classmethod
    def from_sklearn(
        cls,
        estimator: Any,
        features: Sequence[str],
        classes: Sequence[str] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> TreeModel:
        """From a fitted HistGradientBoostingClassifier (numerical features only)."""
        import numpy as np

        columns: dict[str, list[Any]] = {
            k: [] for k in ("feature", "threshold", "left", "right", "missing", "leaf", "value")
        }
        roots, outputs, depth = [], [], 0
        for iteration in estimator._predictors:
            for output, predictor in enumerate(iteration):
                nodes = predictor.nodes
                if nodes["is_categorical"].any():
                    raise ValueError("categorical splits are not supported")
                offset = len(columns["leaf"])
                roots.append(offset)
                outputs.append(output)
                depth = max(depth, int(nodes["depth"].max()))
                leaf = nodes["is_leaf"].astype(bool)
                columns["feature"] += nodes["feature_idx"].tolist()
                columns["threshold"] += nodes["num_threshold"].tolist()
                # A leaf points at itself, so a walk that reached it stays there.
                own = np.arange(offset, offset + len(nodes))
                columns["left"] += np.where(leaf, own, nodes["left"] + offset).tolist()
                columns["right"] += np.where(leaf, own, nodes["right"] + offset).tolist()
                columns["missing"] += nodes["missing_go_to_left"].astype(bool).tolist()
                columns["leaf"] += leaf.tolist()
                columns["value"] += nodes["value"].tolist()
        return cls(
            features=list(features),
            classes=[str(c) for c in (classes or estimator.classes_)],
            baseline=np.asarray(estimator._baseline_prediction, dtype=np.float64).ravel(),
            roots=np.array(roots, dtype=np.int64),
            outputs=np.array(outputs, dtype=np.int64),
            feature=np.array(columns["feature"], dtype=np.int64),
            threshold=np.array(columns["threshold"], dtype=np.float64),
            left=np.array(columns["left"], dtype=np.int64),
            right=np.array(columns["right"], dtype=np.int64),
            missing_left=np.array(columns["missing"], dtype=bool),
            leaf=np.array(columns["leaf"], dtype=bool),
            value=np.array(columns["value"], dtype=np.float64),
            depth=depth,
            meta=dict(meta or {}),
        )

    def decision(self, x: Any) -> Matrix:
        """Raw scores, one column per output (one column for a binary model)."""
        import numpy as np

        x = np.asarray(x, dtype=np.float64)
        if len(x) <= _CHUNK:
            return self._decision(x)
        return np.vstack([self._decision(x[i : i + _CHUNK]) for i in range(0, len(x), _CHUNK)])

    def _decision(self, x: Matrix) -> Matrix:
        import numpy as np

        n = len(x)
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):
            values = x[rows, self.feature[node]]
            go_left = np.where(
                np.isnan(values), self.missing_left[node], values <= self.threshold[node]
            )
            node = np.where(go_left, self.left[node], self.right[node])
        raw = np.tile(self.baseline, (n, 1))
        leaf_values = self.value[node]
        for output in range(len(self.baseline)):
            raw[:, output] += leaf_values[:, self.outputs == output].sum(axis=1)
        return raw

    def predict_proba(self, x: Any) -> Matrix:
        return _softmax_or_sigmoid(self.decision(x))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "features": self.features,
            "classes": self.classes,
            "baseline": self.baseline.tolist(),
            "depth": self.depth,
            "roots": self.roots.tolist(),
            "outputs": self.outputs.tolist(),
            "nodes": {
                "feature": self.feature.tolist(),
                "threshold": self.threshold.tolist(),
                "left": self.left.tolist(),
                "right": self.right.tolist(),
                "missing_left": self.missing_left.astype(int).tolist(),
                "leaf": self.leaf.astype(int).tolist(),
                "value": self.value.tolist(),
            },
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TreeModel:
        import numpy as np

        nodes = data["nodes"]
        return cls(
            features=list(data["features"]),
            classes=list(data["classes"]),
            baseline=np.array(data["baseline"], dtype=np.float64),
            roots=np.array(data["roots"], dtype=np.int64),
            outputs=np.array(data["outputs"], dtype=np.int64),
            feature=np.array(nodes["feature"], dtype=np.int64),
            threshold=np.array(nodes["threshold"], dtype=np.float64),
            left=np.array(nodes["left"], dtype=np.int64),
            right=np.array(nodes["right"], dtype=np.int64),
            missing_left=np.array(nodes["missing_left"], dtype=bool),
            leaf=np.array(nodes["leaf"], dtype=bool),
            value=np.array(nodes["value"], dtype=np.float64),
            depth=int(data["depth"]),
            meta=dict(data.get("meta", {})),
        )


Model = LinearModel | TreeModel
_KINDS: dict[str, type[LinearModel] | type[TreeModel]] = {
    LinearModel.kind: LinearModel,
    TreeModel.kind: TreeModel,
}


def save_model(model: Model, path: Path) -> None:
    """Write a model as JSON (compact, one stable key order)."""
    import json

    path.write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")


def load_model(name: str, features: Sequence[str], path: Path | None = None) -> Model:
    """The model file ``name`` (shipped, or at ``path``), refused with a ModelError when
    it is not this format or was trained on other features than ``features``."""
    data = load_json(name, path)
    where = path or models_dir() / name
    kind = _KINDS.get(str(data.get("kind")))
    if data.get("format") != FORMAT or kind is None:
        raise version_mismatch(name, where, f"is not a {FORMAT} model")
    if list(data.get("features", ())) != list(features):
        raise version_mismatch(name, where, "was trained on other features than this version's")
    try:
        return kind.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise version_mismatch(name, where, f"is malformed ({exc})") from exc
