"""hygiene.batch.writer: output/input overlap, atomic writes, JSONL output, the manifest."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hygiene.atomic import write_text as atomic_write
from hygiene.batch.writer import MANIFEST, CleanWriter, OutputConflict
from hygiene.document import Document, FileResult, ReadError
from hygiene.findings import Category, Finding, Span
from hygiene.read import ReadOptions, iter_documents


def finding(text: str, part: str, code: str = "HY101") -> Finding:
    start = text.index(part)
    end = start + len(part)
    line = text.count("\n", 0, start) + 1
    return Finding(
        code, Category.BOILERPLATE, start, end, line, 1, line, 0.9, "a byline", Span(start, end)
    )


def result(doc: Document, *parts: str) -> FileResult:
    return FileResult(doc, [finding(doc.text, part) for part in parts])


def read_docs(path: Path) -> list[Document]:
    items = list(iter_documents([str(path)]))
    assert all(isinstance(i, Document) for i in items), items
    return [i for i in items if isinstance(i, Document)]


def manifest(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / MANIFEST).read_text("utf-8").splitlines()]


def leftovers(folder: Path) -> list[str]:
    """Temporary files anywhere under a folder."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


# --- inputs and output never overlap --------------------------------------------------------


def test_out_inside_an_input_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    with pytest.raises(OutputConflict, match="inside the input"):
        CleanWriter(str(tmp_path / "corpus" / "cleaned"), [str(tmp_path / "corpus")])


def test_out_equal_to_an_input_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    with pytest.raises(OutputConflict):
        CleanWriter(str(tmp_path / "corpus" / "."), [str(tmp_path / "corpus")])


def test_input_inside_out_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "cleaned" / "a.txt"
    src.parent.mkdir()
    src.write_text("Text.\n")
    with pytest.raises(OutputConflict, match="inside --out"):
        CleanWriter(str(tmp_path / "cleaned"), [str(src)])
    with pytest.raises(OutputConflict, match="inside --out"):
        CleanWriter(str(tmp_path), [str(tmp_path / "cleaned")])


def test_separate_folders_and_stdin_are_fine(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus-file.txt").write_text("Text.\n")
    writer = CleanWriter(
        str(tmp_path / "cleaned"),
        [str(tmp_path / "corpus"), str(tmp_path / "corpus-file.txt"), "-"],
    )
    assert writer.out == (tmp_path / "cleaned").resolve()


# --- atomic writes --------------------------------------------------------------------------


def test_atomic_write_is_exact(tmp_path: Path) -> None:
    target = tmp_path / "new" / "a.txt"
    atomic_write(target, "Café\r\nline\rend\n")
    assert target.read_bytes() == "Café\r\nline\rend\n".encode()
    assert leftovers(tmp_path) == []


def test_atomic_write_adds_the_bom_back(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old content")
    atomic_write(target, "Text.\r\n", bom=True)
    assert target.read_bytes() == b"\xef\xbb\xbfText.\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_atomic_write_failure_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    target = tmp_path / "a.txt"
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, "text\n")
    assert list(tmp_path.iterdir()) == []


# --- cleaning files -------------------------------------------------------------------------


def test_clean_files_and_manifest(tmp_path: Path) -> None:
    src = tmp_path / "corpus"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"\xef\xbb\xbfStory.\r\nBy Jane Roe\r\nMore.\r\n")
    (src / "sub" / "b.txt").write_text("Clean story.\n")
    out = tmp_path / "out"
    a, b = (i for i in iter_documents([str(src)]) if isinstance(i, Document))
    with CleanWriter(str(out), [str(src)]) as writer:
        assert writer.add(result(a, "By Jane Roe")) is None
        assert writer.add(result(b)) is None
    assert (out / "a.txt").read_bytes() == b"\xef\xbb\xbfStory.\r\nMore.\r\n"
    assert (out / "sub" / "b.txt").read_text() == "Clean story.\n"
    (entry,) = manifest(out)
    assert entry["path"] == str(src / "a.txt")
    assert entry["out"] == "a.txt"
    assert (entry["start"], entry["end"]) == (8, 21)
    assert (entry["rule"], entry["category"]) == ("HY101", "boilerplate")
    assert entry["text"] == "By Jane Roe\r\n"
    assert (writer.stats.files, writer.stats.removals, writer.stats.removed_chars) == (2, 1, 13)
    assert leftovers(tmp_path) == []
    assert rebuild("Story.\r\nMore.\r\n", [entry]) == a.text


def test_manifest_has_one_record_per_removal(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    text = "Headline\n\nBy Jane Roe\nUpdated 5 minutes ago\n\nStory.\n\nComments\n"
    path.write_text(text)
    (doc,) = read_docs(path)
    out = tmp_path / "out"
    with CleanWriter(str(out), [str(path)]) as writer:
        writer.add(result(doc, "By Jane Roe", "Updated 5 minutes ago", "Comments"))
    cleaned = (out / "a.txt").read_text()
    assert cleaned == "Headline\n\nStory.\n"
    entries = manifest(out)
    assert len(entries) == 3
    assert ["Jane" in str(e["text"]) for e in entries] == [True, False, False]
    assert rebuild(cleaned, entries) == text


def test_same_relpath_twice_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(f"Story from {folder}.\n")
    first = read_docs(tmp_path / "one" / "story.txt")[0]
    second = read_docs(tmp_path / "two" / "story.txt")[0]
    out = tmp_path / "out"
    with CleanWriter(str(out), [first.path, second.path]) as writer:
        assert writer.add(result(first)) is None
        err = writer.add(result(second))
    assert isinstance(err, ReadError)
    assert err.path == second.path
    assert (out / "story.txt").read_text() == "Story from one.\n"


def test_read_errors_pass_through(tmp_path: Path) -> None:
    error = ReadError("bad.bin", "binary")
    with CleanWriter(str(tmp_path / "out"), []) as writer:
        assert writer.add(error) is error
    # Reported in the manifest too: nothing leaves the corpus without a trace.
    assert manifest(tmp_path / "out") == [
        {"action": "skipped", "path": "bad.bin", "message": "binary"}
    ]


# --- JSONL ----------------------------------------------------------------------------------


def test_jsonl_input_gives_jsonl_output(tmp_path: Path) -> None:
    src = tmp_path / "wire.jsonl"
    records = [
        {"id": "a1", "text": "By Jane Roe\nStory one.", "source": "AP", "n": [1, 2]},
        {"id": "a2", "text": "Story two, café.\n\nAdvertisement", "source": "Reuters"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in records))
    one, two = read_docs(src)
    out = tmp_path / "out"
    with CleanWriter(str(out), [str(src)]) as writer:
        writer.add(result(one, "By Jane Roe"))
        writer.add(result(two, "Advertisement"))
    lines = (out / "wire.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"id": "a1", "text": "Story one.", "source": "AP", "n": [1, 2]},
        {"id": "a2", "text": "Story two, café.", "source": "Reuters"},
    ]
    assert "café" in lines[1]  # written as UTF-8, not escaped
    entries = manifest(out)
    assert [(e["id"], e["out"], e["text"]) for e in entries] == [
        ("a1", "wire.jsonl", "By Jane Roe\n"),
        ("a2", "wire.jsonl", "\n\nAdvertisement"),
    ]
    assert leftovers(tmp_path) == []


def test_jsonl_custom_text_field(tmp_path: Path) -> None:
    src = tmp_path / "feed.jsonl"
    src.write_text(json.dumps({"id": 1, "body": "Story.\nComments", "text": "other"}) + "\n")
    (doc,) = iter_documents([str(src)], ReadOptions(text_field="body"))
    assert isinstance(doc, Document)
    out = tmp_path / "out"
    with CleanWriter(str(out), [str(src)], text_field="body") as writer:
        writer.add(result(doc, "Comments"))
    record = json.loads((out / "feed.jsonl").read_text())
    assert record == {"id": 1, "body": "Story.", "text": "other"}


def test_manifest_id_of_a_record_in_a_path_with_a_hash(tmp_path: Path) -> None:
    folder = tmp_path / "issue#3"
    folder.mkdir()
    src = folder / "wire.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": "Story.\nComments"}) + "\n")
    (doc,) = read_docs(src)
    out = tmp_path / "out"
    with CleanWriter(str(out), [str(src)]) as writer:
        writer.add(result(doc, "Comments"))
    (entry,) = manifest(out)
    assert entry["id"] == "a1"


# --- failures -------------------------------------------------------------------------------


def test_exception_inside_the_block_leaves_no_manifest_and_no_temp_files(tmp_path: Path) -> None:
    text_src = tmp_path / "a.txt"
    text_src.write_text("Story.\nComments\n")
    jsonl_src = tmp_path / "wire.jsonl"
    jsonl_src.write_text(json.dumps({"id": "r", "text": "Story.\nComments"}) + "\n")
    (text_doc,) = read_docs(text_src)
    (record,) = read_docs(jsonl_src)
    out = tmp_path / "out"
    with (
        pytest.raises(RuntimeError, match="boom"),
        CleanWriter(str(out), [str(text_src), str(jsonl_src)]) as writer,
    ):
        writer.add(result(text_doc, "Comments"))
        writer.add(result(record, "Comments"))  # leaves the JSONL output open
        raise RuntimeError("boom")
    assert not (out / MANIFEST).exists()
    assert not (out / "wire.jsonl").exists()
    assert leftovers(tmp_path) == []


def test_restore_from_manifest_entries_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    text = "Title\r\n\r\nBy Jane Roe\r\n\r\nBody. Follow us. More body.\r\nComments"
    path.write_bytes(text.encode())
    (doc,) = read_docs(path)
    out = tmp_path / "out"
    with CleanWriter(str(out), [str(path)]) as writer:
        writer.add(result(doc, "By Jane Roe", "Follow us.", "Comments"))
    cleaned = (out / "a.txt").read_bytes().decode()
    assert cleaned == "Title\r\n\r\nBody. More body."
    assert rebuild(cleaned, manifest(out)) == text


def rebuild(cleaned: str, entries: list[dict[str, object]]) -> str:
    """Put the removed texts back at their offsets."""
    text = cleaned
    for e in entries:
        start = e["start"]
        assert isinstance(start, int)
        text = text[:start] + str(e["text"]) + text[start:]
    return text


def test_atomic_write_keeps_an_existing_mode_and_gives_new_files_the_umask_mode(
    tmp_path: Path,
) -> None:
    import stat

    existing = tmp_path / "a.txt"
    existing.write_text("old\n")
    existing.chmod(0o640)
    atomic_write(existing, "new\n")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    fresh = tmp_path / "b.txt"
    atomic_write(fresh, "x\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
