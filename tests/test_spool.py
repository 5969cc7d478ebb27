"""Tests for hygiene.batch.spool: a disk-backed sequence that behaves like a list."""

from __future__ import annotations

import pytest

from hygiene.batch.spool import Spool
from hygiene.document import Document, FileResult


def test_spool_behaves_like_a_list() -> None:
    items = [{"n": i, "text": "x" * i} for i in range(50)]
    spool = Spool(items)
    assert len(spool) == 50
    assert list(spool) == items
    assert spool[0] == items[0] and spool[-1] == items[-1] and spool[10:13] == items[10:13]
    spool.append({"n": 50})
    assert len(spool) == 51 and spool[50] == {"n": 50}
    with pytest.raises(IndexError):
        spool[51]


def test_nested_iteration_and_appends_while_reading() -> None:
    spool = Spool(range(5))
    pairs = [(a, b) for a in spool for b in spool]
    assert pairs == [(a, b) for a in range(5) for b in range(5)]
    for value in list(spool):
        spool.append(value + 10)  # appending does not disturb reads by index
    assert list(spool) == [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]


def test_file_results_come_back_equal() -> None:
    doc = Document(id="a.txt", path="a.txt", text="Story.\n", relpath="a.txt")
    spool: Spool[FileResult] = Spool([FileResult(doc, [])])
    (back,) = spool
    assert back == FileResult(doc, []) and back is not spool[0]
