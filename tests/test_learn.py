"""The JSON model runtime gives scikit-learn's probabilities, and refuses other files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hygiene.assets import ModelError
from hygiene.learn import LinearModel, TreeModel, load_model, save_model

sklearn = pytest.importorskip("sklearn")
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

FEATURES = [f"f{i}" for i in range(5)]


def _data(classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(600, 5))
    y = (x[:, 0] + 0.5 * x[:, 1] ** 2 - x[:, 2] * x[:, 3] > 0.3).astype(int)
    if classes == 3:
        y = y + (x[:, 4] > 1.0)
    x[rng.random(x.shape) < 0.05] = np.nan  # trees learn where missing values go
    return x, y


@pytest.mark.parametrize("classes", [2, 3])
def test_trees_match_scikit_learn(tmp_path: Path, classes: int) -> None:
    x, y = _data(classes)
    hgb = HistGradientBoostingClassifier(max_iter=40, max_depth=5, random_state=0).fit(x, y)
    model = TreeModel.from_sklearn(hgb, FEATURES, meta={"note": "test"})
    save_model(model, tmp_path / "m.json")
    loaded = load_model("m.json", FEATURES, tmp_path / "m.json")
    test, _ = _data(classes, seed=1)
    np.testing.assert_allclose(loaded.predict_proba(test), hgb.predict_proba(test), atol=1e-9)
    assert loaded.classes == [str(c) for c in hgb.classes_]
    assert loaded.meta == {"note": "test"}


def test_trees_walk_long_inputs_in_chunks() -> None:
    x, y = _data(2)
    hgb = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(x, y)
    model = TreeModel.from_sklearn(hgb, FEATURES)
    big = np.vstack([x] * 3)  # more rows than one chunk
    np.testing.assert_allclose(model.predict_proba(big), hgb.predict_proba(big), atol=1e-9)
    assert model.predict_proba(big[:0]).shape == (0, 2)


@pytest.mark.parametrize("classes", [2, 3])
def test_linear_matches_scikit_learn(tmp_path: Path, classes: int) -> None:
    x, y = _data(classes)
    x = np.nan_to_num(x)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    lr = LogisticRegression(max_iter=1000).fit((x - mean) / scale, y)
    model = LinearModel.from_sklearn(lr, FEATURES, mean, scale)
    save_model(model, tmp_path / "m.json")
    loaded = load_model("m.json", FEATURES, tmp_path / "m.json")
    expected = lr.predict_proba((x - mean) / scale)
    np.testing.assert_allclose(loaded.predict_proba(x), expected, atol=1e-9)
    top = loaded.contributions(x[0], column=int(np.argmax(expected[0])))
    assert top.shape == (5,)


def test_a_model_of_other_features_or_format_is_refused(tmp_path: Path) -> None:
    x, y = _data(2)
    lr = LogisticRegression().fit(np.nan_to_num(x), y)
    path = tmp_path / "m.json"
    save_model(LinearModel.from_sklearn(lr, FEATURES, np.zeros(5), np.ones(5)), path)
    with pytest.raises(ModelError, match="other features"):
        load_model("m.json", [*FEATURES[:4], "renamed"], path)
    path.write_text('{"format": "something-else/9", "kind": "linear"}', encoding="utf-8")
    with pytest.raises(ModelError, match="not a hygiene-learned/1 model"):
        load_model("m.json", FEATURES, path)
    path.write_text(
        '{"format": "hygiene-learned/1", "kind": "trees", "features": '
        '["f0", "f1", "f2", "f3", "f4"]}',
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match="malformed"):
        load_model("m.json", FEATURES, path)
