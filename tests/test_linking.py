"""Near-duplicates in bounded work: the array pair check is the finder's pair check,
the union-find finds connected components, and a story with more copies than
the bounds is still one cluster, apart from another story."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from hygiene.corpus import linking
from hygiene.corpus.linking import UnionFind
from hygiene.corpus.neardup import NearDuplicateFinder

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "neardup"


def copies(text: str, n: int, seed: int) -> list[str]:
    """``n`` lightly edited copies: a word dropped or doubled here and there."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = text.split(" ")
        for _ in range(len(words) // 30):
            i = rng.randrange(len(words))
            if rng.random() < 0.5:
                del words[i]
            else:
                words.insert(i, words[i])
        out.append(" ".join(words))
    return out


def finder_of(texts: dict[str, str]) -> NearDuplicateFinder:
    finder = NearDuplicateFinder()
    for key, text in texts.items():
        finder.add(key, key, text)
    return finder


def fixture_texts() -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(FOLDER.glob("*.txt"))}


def test_the_array_check_is_the_pair_check() -> None:
    texts = fixture_texts()
    # Figures changed in some copies: the figure check must decide those pairs.
    wire = texts["a1-port-strike-wire.txt"]
    texts |= {f"copy{i}": t for i, t in enumerate(copies(wire, 6, seed=1))}
    texts["figures"] = "".join("7" if ch.isdigit() else ch for ch in wire)
    finder = finder_of(texts)
    keys = sorted(texts)
    rows = np.array([finder.store.rows[k] for k in keys])
    a, b = (rows[i] for i in np.triu_indices(len(rows), k=1))
    check = finder.check()
    entries = {k: finder.entry(k, k, t) for k, t in texts.items()}  # sketches with figures
    for scale in (1.0, finder.options.cohesion):
        expected = []
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            ex, ey = entries[finder.store.keys[x]], entries[finder.store.keys[y]]
            expected.append(finder.same_story(ex, ey, *finder.similar(ex, ey), scale))
        assert check.same_story(a, b, scale).tolist() == expected  # arrays
        one = [bool(check.same_story(a[i : i + 1], b[i : i + 1], scale)[0]) for i in range(len(a))]
        assert one == expected  # the path for a few pairs
        assert any(expected) and not all(expected)


def test_union_find_gives_connected_components() -> None:
    rng = random.Random(3)
    n = 300
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(220)]
    found = UnionFind(n)
    for lo in range(0, len(edges), 40):  # in batches, as the bands come
        batch = np.array(edges[lo : lo + 40]).reshape(-1, 2)
        found.join(batch[:, 0], batch[:, 1])
    label = list(range(n))  # naive: relabel until nothing changes

    changed = True
    while changed:
        changed = False
        for x, y in edges:
            least = min(label[x], label[y])
            if label[x] != least or label[y] != least:
                label[x] = label[y] = least
                changed = True
    assert found.root.tolist() == label


def test_a_story_with_many_copies_is_one_cluster_apart_from_another() -> None:
    texts = fixture_texts()
    many = max(linking.SMALL, linking.WINDOW) + 40
    story_a = copies(texts["a1-port-strike-wire.txt"], many, seed=2)
    story_b = copies(texts["c-building-society-profit.txt"], 12, seed=3)
    corpus = {f"a{i:03d}": t for i, t in enumerate(story_a)}
    corpus |= {f"b{i:03d}": t for i, t in enumerate(story_b)}
    corpus["other"] = texts["g-wind-farm-approval.txt"]
    clusters = finder_of(corpus).clusters()
    assert [c.members for c in clusters] == [sorted(k for k in corpus if k[0] == s) for s in "ab"]


def test_pairs_linked_elsewhere_give_the_same_clusters() -> None:
    texts = fixture_texts()
    other = texts["b-port-strike-other-outlet.txt"]
    texts |= {f"copy{i}": t for i, t in enumerate(copies(other, 5, seed=4))}
    finder = finder_of(texts)
    entries = {k: finder.entry(k, k, t) for k, t in texts.items()}
    verified = [
        (x, y)
        for x in sorted(texts)
        for y in sorted(texts)
        if x < y
        and finder.same_story(entries[x], entries[y], *finder.similar(entries[x], entries[y]))
    ]
    assert finder.clusters(linked=verified) == finder.clusters()
    assert len(finder.clusters()) == 2
