"""Fault tests, input side: only regular files are read, every input is accounted for.

FIFOs, devices and sockets (named errors, never a hang), folders the walk cannot
open, hostile names (bytes that are not UTF-8, a newline), lone surrogates in
JSONL, NUL bytes and UTF-16, gzip bombs, a raised --max-bytes, documents too
large for memory, comma-separated rule lists.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from faults import NONE, STORY, corpus, manifest, one_line_error, run_hygiene

import hygiene.limits
from hygiene.document import ReadError
from hygiene.read import ReadOptions, iter_documents

if TYPE_CHECKING:
    from conftest import Cli

LATIN1_NAME = os.fsdecode(b"caf\xe9.txt")  # a name that is not UTF-8


def errors_of(paths: list[Path], **options: object) -> list[ReadError]:
    opts = ReadOptions(**options)  # type: ignore[arg-type]
    return [i for i in iter_documents([str(p) for p in paths], opts) if isinstance(i, ReadError)]


# --- only regular files are read ------------------------------------------------------------------


def test_a_fifo_in_a_folder_is_an_error_not_a_hang(tmp_path: Path) -> None:
    src = corpus(tmp_path / "in", 1)
    os.mkfifo(src / "x.txt")
    done = run_hygiene("report", *NONE, "--format", "concise", str(src), timeout=60)
    assert done.returncode == 2
    assert f"{src / 'x.txt'}: error: not a regular file (a FIFO (named pipe))" in done.stdout
    assert "story-0000.txt:3:1: HY101" in done.stdout  # the good file is reached


def test_a_fifo_given_as_an_argument_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    done = run_hygiene("check", *NONE, str(fifo), str(corpus(tmp_path / "in", 1)), timeout=60)
    assert done.returncode == 2
    assert "x.txt: not a regular file (a FIFO (named pipe)); only regular files are read" in (
        done.stderr
    )


def a_character_device() -> Path:
    """A character device of this machine: some sandboxes put a plain file at /dev/null."""
    for name in ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/dev/full"):
        if os.path.exists(name) and stat.S_ISCHR(os.stat(name).st_mode):
            return Path(name)
    pytest.skip("no character device on this machine")


def test_devices_and_sockets_are_named_errors(tmp_path: Path) -> None:
    device = a_character_device()
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "s.txt"))
    try:
        found = errors_of([device, tmp_path / "s.txt"])
    finally:
        server.close()
    assert [e.message for e in found] == [
        "not a regular file (a character device); only regular files are read",
        "not a regular file (a socket); only regular files are read",
    ]


# --- every walk error is reported -----------------------------------------------------------------


def test_a_folder_the_walk_cannot_open_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = corpus(tmp_path / "in", 1)
    (src / "locked").mkdir()
    (src / "locked" / "a.txt").write_text("Hidden story.\n", "utf-8")
    real = os.scandir

    def scandir(path: str | int = ".") -> object:
        if str(path).endswith("locked"):  # as root, chmod 000 would not lock it
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    (error,) = errors_of([src])
    assert error.path == str(src / "locked")
    assert error.message == "cannot open folder: Permission denied"


def test_a_path_over_path_max_is_an_error(tmp_path: Path, cli: Cli) -> None:
    src = corpus(tmp_path / "in", 1)
    fd = os.open(src, os.O_RDONLY)
    for _ in range(20):  # 20 x 250 characters: over PATH_MAX (4096)
        os.mkdir("d" * 250, dir_fd=fd)
        deeper = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = deeper
    os.close(fd)
    out = tmp_path / "out"
    code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
    assert code == 2
    assert "cannot open folder: File name too long" in err
    skipped = [m for m in manifest(out) if m["action"] == "skipped"]
    assert len(skipped) == 1 and "File name too long" in skipped[0]["message"]


# --- hostile names --------------------------------------------------------------------------------


def test_a_name_that_is_not_utf8_is_escaped_in_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    corpus(src, 1)
    (src / "story-0000.txt").rename(src / LATIN1_NAME)
    done = run_hygiene("check", *NONE, str(src))
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(f"{src}/caf\\xe9.txt:3:1: HY101 ")
    report = run_hygiene("report", *NONE, "--format", "json", str(src))
    assert report.returncode == 0, report.stderr
    (entry,) = json.loads(report.stdout)["files"]
    assert os.fsencode(entry["path"]).endswith(b"caf\xe9.txt")  # the very bytes on disk
    out = tmp_path / "out"
    done = run_hygiene("clean", *NONE, str(src), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / LATIN1_NAME).is_file()
    assert {m["out"] for m in manifest(out)} == {LATIN1_NAME}


def test_a_newline_in_a_name_keeps_one_finding_per_line(tmp_path: Path, cli: Cli) -> None:
    src = tmp_path / "in"
    corpus(src, 1)
    (src / "story-0000.txt").rename(src / "two\nlines.txt")
    code, out, _ = cli("check", *NONE, str(src))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{src}/two\\nlines.txt:") for line in lines)


# --- JSONL: lone surrogates, bombs ----------------------------------------------------------------


def test_a_lone_surrogate_in_jsonl_is_an_error_for_that_record(tmp_path: Path, cli: Cli) -> None:
    feed = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "a", "text": STORY.format(n=1)})
    feed.write_text('{"id": "b", "text": "Story \\ud800 text."}\n' + good + "\n", "utf-8")
    out = tmp_path / "out"
    code, _, err = cli("clean", *NONE, str(feed), "--out", str(out))
    assert code == 2
    assert f"{feed}:1: a lone surrogate (U+D800) is not text" in err
    assert [m["action"] for m in manifest(out)] == ["skipped", "removed", "removed"]
    records = [json.loads(line) for line in (out / "feed.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a"]


def test_a_surrogate_pair_is_text(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "Smile \\ud83d\\ude00 please."}\n', "utf-8")
    assert errors_of([feed]) == []


def write_gz(path: Path, lines: int, line: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(lines):
            fh.write(line.format(i=i))
    return path


def test_a_gzip_of_many_records_stops_at_max_records(tmp_path: Path, cli: Cli) -> None:
    bomb = write_gz(tmp_path / "bomb.jsonl.gz", 50, '{{"id": {i}, "text": "Story {i}."}}\n')
    code, out, err = cli("report", *NONE, "--format", "json", "--max-records", "20", str(bomb))
    assert code == 2
    report = json.loads(out)
    assert len(report["files"]) == 20
    assert f"{bomb}: more than 20 records (max-records); the rest of the file is not read" in err


def test_a_gzip_that_expands_past_max_input_bytes_stops(tmp_path: Path) -> None:
    bomb = write_gz(tmp_path / "bomb.jsonl.gz", 200_000, "\n")  # 200 KB of blank lines
    (error,) = errors_of([bomb], max_input_bytes=10_000)
    assert error.message.startswith("more than 10000 bytes once decompressed (max-input-bytes)")
    big_line = write_gz(tmp_path / "line.jsonl.gz", 1, "x" * 100_000)  # one endless record
    found = errors_of([big_line], max_input_bytes=10_000, max_bytes=1_000)
    assert "max-input-bytes" in found[-1].message


# --- what is not text -----------------------------------------------------------------------------


def test_a_nul_byte_after_the_first_block_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"Plain text line.\n" * 1000 + b"\x00" + b"more\n")
    (error,) = errors_of([path])
    assert error.message == "binary file (control bytes found), not text"


@pytest.mark.parametrize(
    ("encoding", "named"),
    [("utf-16", "UTF-16LE (byte-order mark)"), ("utf-16-be", "UTF-16BE (no byte-order mark)")],
)
def test_utf16_is_named_not_binary(tmp_path: Path, encoding: str, named: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("A story in another encoding.\n".encode(encoding))
    (error,) = errors_of([path])
    assert error.message.startswith(f"{named} text, not UTF-8; convert it first")


# --- sizes ----------------------------------------------------------------------------------------


def test_a_huge_max_bytes_reads_a_tiny_file(tmp_path: Path) -> None:
    """read(limit + 1) reserved the whole limit up front: a MemoryError on any file."""
    src = corpus(tmp_path / "in", 1)
    done = run_hygiene("check", *NONE, "--max-bytes", "100000000000", str(src))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    piped = run_hygiene("check", *NONE, "--max-bytes", "100000000000", "-", input=STORY)
    assert piped.returncode == 1 and "Traceback" not in piped.stderr, piped.stderr


def test_a_document_too_large_for_memory_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hygiene.limits, "memory_bound", lambda: 1000)
    path = tmp_path / "a.txt"
    path.write_text("Word. " * 500, "utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": "Word. " * 500}) + "\n", "utf-8")
    for error in errors_of([path, feed], max_bytes=10**9)[:2]:
        assert "over 1000 bytes, the most this machine's memory can analyse" in error.message
    assert errors_of([path], max_bytes=100)[0].message == "file too large: 3000 bytes (limit 100)"


def test_rule_lists_take_commas(tmp_path: Path, cli: Cli) -> None:
    src = corpus(tmp_path / "in", 1)
    one = cli("check", *NONE, "--select", "HY101,HY105", str(src))
    two = cli("check", *NONE, "--select", "HY101", "--select", "HY105", str(src))
    assert one == two and one[0] == 1 and "HY101" in one[1] and "HY105" in one[1]
    code, _, err = cli("check", *NONE, "--select", "HY101,HY999", str(src))
    assert code == 2 and "'HY999' matches no rule" in err
    one_line_error(err)
