"""Tests for hygiene.read: folders, files, JSONL, stdin and every kind of bad input."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hygiene.document import Document, ReadError
from hygiene.read import DEFAULT_GLOBS, ReadOptions, iter_documents


def read(paths: list[Path | str], **options: Any) -> list[Document | ReadError]:
    opts = ReadOptions(**options)
    return list(iter_documents([str(p) for p in paths], opts))


def docs(items: list[Document | ReadError]) -> list[Document]:
    assert not [i for i in items if isinstance(i, ReadError)], items
    return [i for i in items if isinstance(i, Document)]


def errors(items: list[Document | ReadError]) -> list[ReadError]:
    return [i for i in items if isinstance(i, ReadError)]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# --- folders --------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    # Created out of order: the order read must not depend on it.
    write(root / "zz" / "e.txt", "E text.\n")
    write(root / "b.md", "B text.\n")
    write(root / "a.txt", "A text.\n")
    write(root / "sub" / "deeper" / "d.txt", "D text.\n")
    write(root / "sub" / "c.txt", "C text.\n")
    write(root / "sub" / "notes.csv", "not,text\n")
    write(root / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root / ".git" / "hidden.txt", "Hidden folder.\n")
    write(root / "sub" / ".cache" / "x.md", "Hidden folder.\n")
    return root


def test_folder_is_read_recursively_in_sorted_order(tree: Path) -> None:
    found = docs(read([tree]))
    assert [d.relpath for d in found] == [
        "a.txt",
        "b.md",
        "sub/c.txt",
        "sub/deeper/d.txt",
        "zz/e.txt",
    ]
    assert [d.path for d in found] == [str(tree / d.relpath) for d in found]
    assert found[0].text == "A text.\n"


def test_folder_order_is_deterministic(tree: Path) -> None:
    assert [d.relpath for d in docs(read([tree]))] == [d.relpath for d in docs(read([tree]))]


def test_hidden_folders_are_skipped(tree: Path) -> None:
    assert not [d for d in docs(read([tree])) if "hidden" in d.text.lower()]


def test_default_globs_take_text_markdown_and_jsonl(tmp_path: Path) -> None:
    # The README and the `--glob` help promise *.txt, *.md, *.jsonl and *.jsonl.gz.
    assert set(DEFAULT_GLOBS) == {"*.txt", "*.md", "*.jsonl", "*.jsonl.gz"}
    write(tmp_path / "a.txt", "Plain.\n")
    write(tmp_path / "b.md", "Markdown.\n")
    write(tmp_path / "c.jsonl", '{"id": "r1", "text": "Record."}\n')
    write(tmp_path / "d.html", "<p>Skipped.</p>\n")
    write(tmp_path / "e.txt.bak", "Skipped.\n")
    assert [d.text for d in docs(read([tmp_path]))] == ["Plain.\n", "Markdown.\n", "Record."]


def test_a_folder_walk_skips_hygienes_own_manifest(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Plain.\n")
    write(tmp_path / "hygiene-manifest.jsonl", '{"path": "x.txt", "text": "By Ana Lima"}\n')
    assert [d.relpath for d in docs(read([tmp_path]))] == ["a.txt"]


def test_custom_globs(tree: Path) -> None:
    assert [d.relpath for d in docs(read([tree], globs=("*.csv",)))] == ["sub/notes.csv"]
    assert [d.relpath for d in docs(read([tree], globs=("sub/*.txt", "e.*")))] == [
        "sub/c.txt",
        "sub/deeper/d.txt",
        "zz/e.txt",
    ]


def test_a_folder_named_like_a_text_file_is_walked_not_read(tmp_path: Path) -> None:
    write(tmp_path / "archive.txt" / "inner.txt", "Inner text.\n")
    assert [d.relpath for d in docs(read([tmp_path]))] == ["archive.txt/inner.txt"]


def test_file_argument_relpath_is_its_name(tmp_path: Path) -> None:
    path = write(tmp_path / "deep" / "story.txt", "Story.\n")
    (doc,) = docs(read([path]))
    assert (doc.id, doc.path, doc.relpath) == (str(path), str(path), "story.txt")
    assert doc.record is None and doc.record_line is None


def test_inputs_keep_argument_order(tmp_path: Path) -> None:
    b = write(tmp_path / "b.txt", "B.\n")
    a = write(tmp_path / "a.txt", "A.\n")
    assert [d.text for d in docs(read([b, a]))] == ["B.\n", "A.\n"]


# --- text as stored -------------------------------------------------------------------------


def test_newlines_are_kept_exactly(tmp_path: Path) -> None:
    raw = "Windows line\r\nold Mac line\rUnix line\n\r\nend"
    (doc,) = docs(read([write(tmp_path / "mixed.txt", raw)]))
    assert doc.text == raw
    # Offsets index into the text as on disk.
    assert doc.text.index("Unix") == raw.encode("utf-8").index(b"Unix")


def test_bom_is_removed_and_remembered(tmp_path: Path) -> None:
    with_bom = write(tmp_path / "bom.txt", b"\xef\xbb\xbfCaf\xc3\xa9 news.\r\n")
    without = write(tmp_path / "plain.txt", "Café news.\r\n")
    first, second = docs(read([with_bom, without]))
    assert (first.text, first.bom) == ("Café news.\r\n", True)
    assert (second.text, second.bom) == ("Café news.\r\n", False)


# --- JSONL ----------------------------------------------------------------------------------


def jsonl(*lines: object) -> str:
    return "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)


def test_jsonl_records_become_documents(tmp_path: Path) -> None:
    path = write(
        tmp_path / "wire.jsonl",
        jsonl(
            {"id": "a1", "text": "First story.\nBy Jane Roe", "source": "AP", "tags": [1, 2]},
            "",
            {"id": 7, "text": "Second story."},
            {"text": "No id here."},
        ),
    )
    first, second, third = docs(read([path]))
    assert first.id == f"{path}#a1"
    assert first.path == str(path)
    assert first.relpath == "wire.jsonl"
    assert first.text == "First story.\nBy Jane Roe"
    assert first.record == {
        "id": "a1",
        "text": "First story.\nBy Jane Roe",
        "source": "AP",
        "tags": [1, 2],
    }
    assert first.record_line == 1
    assert (second.id, second.record_line) == (f"{path}#7", 3)
    # Without an id the record is named by its line number.
    assert (third.id, third.record_line) == (f"{path}#4", 4)


def test_jsonl_text_and_id_fields_are_configurable(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.ndjson",
        jsonl({"guid": "x-1", "body": "Body text.", "text": "Not this."}),
    )
    (doc,) = docs(read([path], text_field="body", id_field="guid"))
    assert (doc.id, doc.text) == (f"{path}#x-1", "Body text.")


def test_jsonl_invalid_line_is_an_error_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path / "wire.jsonl",
        jsonl({"id": "a", "text": "One."}, '{"id": "b", "text": ', {"id": "c", "text": "Three."}),
    )
    items = read([path])
    assert [d.id for d in items if isinstance(d, Document)] == [f"{path}#a", f"{path}#c"]
    (err,) = errors(items)
    assert err.path == f"{path}:2"
    assert "invalid JSON" in err.message


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ({"id": "b", "body": "Wrong field."}, "'text'"),
        ({"id": "b", "text": 42}, "'text'"),
        ({"id": "b", "text": "  \n\t"}, "empty"),
        ('["a", "list"]', "object"),
        ({"id": "a", "text": "Same id again."}, "duplicate"),
    ],
)
def test_jsonl_bad_record_is_one_error(tmp_path: Path, line: object, words: str) -> None:
    path = write(
        tmp_path / "wire.jsonl",
        jsonl({"id": "a", "text": "One."}, line, {"id": "c", "text": "Three."}),
    )
    items = read([path])
    assert [d.text for d in items if isinstance(d, Document)] == ["One.", "Three."]
    (err,) = errors(items)
    assert err.path == f"{path}:2"
    assert words in err.message


def test_jsonl_duplicate_id_keeps_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path / "wire.jsonl",
        jsonl({"id": "a", "text": "First."}, {"id": "a", "text": "Second."}),
    )
    items = read([path])
    assert [d.text for d in items if isinstance(d, Document)] == ["First."]
    assert "'a'" in errors(items)[0].message


def test_jsonl_with_bom_and_crlf(tmp_path: Path) -> None:
    raw = (
        b"\xef\xbb\xbf" + jsonl({"id": "a", "text": "One.\r\nTwo."}).replace("\n", "\r\n").encode()
    )
    (doc,) = docs(read([write(tmp_path / "wire.jsonl", raw)]))
    assert doc.text == "One.\r\nTwo."


def test_empty_jsonl_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "wire.jsonl", "\n  \n")
    (err,) = errors(read([path]))
    assert err.path == str(path)
    assert "empty" in err.message


# --- stdin ----------------------------------------------------------------------------------


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = b"\xef\xbb\xbfFrom a pipe.\r\nSecond line.\n"
    monkeypatch.setattr("sys.stdin", SimpleNamespace(buffer=io.BytesIO(raw)))
    (doc,) = docs(read(["-"]))
    assert doc.text == "From a pipe.\r\nSecond line.\n"
    assert doc.bom
    assert doc.relpath == "stdin.txt"
    assert doc.path == "<stdin>"


def test_stdin_binary_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", SimpleNamespace(buffer=io.BytesIO(b"\x00\x01\x02")))
    (err,) = errors(read(["-"]))
    assert err.path == "<stdin>"
    assert "binary" in err.message


# --- bad inputs: one error each, naming the input; the rest is still read ------------------


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "binary": (b"GIF89a\x00\x01\x02\x03 text", "binary"),
    "invalid-utf8": (b"caf\xe9 au lait\n", "offset 3"),
    "empty": (b"", "empty"),
    "whitespace": (b"  \r\n\t\n \n", "empty"),
    "too-large": (b"x" * 200, "too large"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_is_one_error_and_reading_goes_on(tmp_path: Path, kind: str) -> None:
    data, words = BAD_FILES[kind]
    before = write(tmp_path / "a.txt", "Before.\n")
    bad = write(tmp_path / f"{kind}.txt", data)
    after = write(tmp_path / "z.txt", "After.\n")
    items = read([before, bad, after], max_bytes=100)
    assert [type(i) for i in items] == [Document, ReadError, Document]
    err = items[1]
    assert isinstance(err, ReadError)
    assert err.path == str(bad)
    assert words in err.message


def test_bad_files_inside_a_folder_do_not_stop_the_walk(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Before.\n")
    write(tmp_path / "b.txt", b"\x00\x00\x00")
    write(tmp_path / "c.txt", "")
    write(tmp_path / "d.txt", "After.\n")
    items = read([tmp_path])
    assert [type(i) for i in items] == [Document, ReadError, ReadError, Document]
    assert [e.path for e in errors(items)] == [str(tmp_path / "b.txt"), str(tmp_path / "c.txt")]


def test_missing_path(tmp_path: Path) -> None:
    good = write(tmp_path / "a.txt", "Text.\n")
    missing = tmp_path / "nope.txt"
    items = read([missing, good])
    assert isinstance(items[0], ReadError)
    assert items[0].path == str(missing)
    assert "no such file" in items[0].message
    assert isinstance(items[1], Document)


def test_invalid_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.txt", "Ünïcode ok, then ".encode() + b"\xff\xfe bad")
    (err,) = errors(read([path]))
    offset = len("Ünïcode ok, then ".encode())
    assert f"offset {offset}" in err.message
    assert "0xff" in err.message


def test_max_bytes_boundary(tmp_path: Path) -> None:
    path = write(tmp_path / "ten.txt", "0123456789")
    assert docs(read([path], max_bytes=10))[0].text == "0123456789"
    (err,) = errors(read([path], max_bytes=9))
    assert err.path == str(path)


def test_stdin_over_max_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", SimpleNamespace(buffer=io.BytesIO(b"y" * 50)))
    (err,) = errors(read(["-"], max_bytes=10))
    assert "too large" in err.message


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = write(tmp_path / "locked.txt", "Secret.\n")
    other = write(tmp_path / "open.txt", "Open.\n")
    real_open = os.open

    def fake_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path).name == "locked.txt":  # as root, chmod would not lock it
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    items = read([locked, other])
    assert isinstance(items[0], ReadError)
    assert items[0].path == str(locked)
    assert "permission denied" in items[0].message
    assert isinstance(items[1], Document)
    assert items[1].text == "Open.\n"


def test_other_os_errors_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "flaky.txt", "Text.\n")

    def failing_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "open", failing_open)
    (err,) = errors(read([path]))
    assert err.path == str(path)
    assert "Input/output error" in err.message


def test_read_error_to_json() -> None:
    assert ReadError("a.bin", "binary").to_json() == {"path": "a.bin", "message": "binary"}


def test_gzipped_jsonl_is_read_record_by_record(tmp_path: Path) -> None:
    import gzip

    with gzip.open(tmp_path / "shard.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write('{"id": "a", "text": "First."}\n{"id": "b", "text": "Second."}\n')
    got = docs(read([tmp_path]))
    assert [(d.id.rsplit("#", 1)[1], d.text, d.record_line) for d in got] == [
        ("a", "First.", 1),
        ("b", "Second.", 2),
    ]


def test_a_corrupt_gzip_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl.gz").write_bytes(b"not gzip at all")
    items = list(read([tmp_path / "bad.jsonl.gz"]))
    assert [type(i).__name__ for i in items] == ["ReadError"]
    assert "bad.jsonl.gz" in items[0].path and "gzip" in items[0].message


def test_jsonl_size_limit_is_per_record(tmp_path: Path) -> None:
    # A large JSONL file is fine; only a record over the limit is refused, and the
    # reader goes on with the next record.
    big = "x" * 500
    lines = [f'{{"id": "{i}", "text": "Story {i}."}}' for i in range(50)]
    lines[3] = f'{{"id": "3", "text": "{big}"}}'
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read([tmp_path / "c.jsonl"], max_bytes=200))
    errors = [i for i in items if not isinstance(i, Document)]
    assert len([i for i in items if isinstance(i, Document)]) == 49
    assert len(errors) == 1 and errors[0].path.endswith("c.jsonl:4")
    assert "record too large" in errors[0].message
