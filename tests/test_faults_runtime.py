"""Fault tests, the run itself: bad settings, the archive index, dead parents.

Config values out of range (nan, inf, negative, a threshold outside (0, 1)),
two index updates at once, corrupt indexes, and the workers of a job whose main
process is killed with SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from faults import NONE, ROOT, corpus, one_line_error, run_hygiene

from hygiene.corpus.index import INDEX_DIR, LOCK_FILE, index_path
from hygiene.lock import exclusive

if TYPE_CHECKING:
    from conftest import Cli


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "time-limit = nan",
        "time-limit = inf",
        "time-limit = -1",
        "max-bytes = -5",
        "max-bytes = 0",
        "max-input-bytes = 0",
        "max-records = -1",
        "near-duplicate-threshold = 1.5",
        "near-duplicate-threshold = 0",
        "near-duplicate-threshold = nan",
        "near-duplicate-containment = 2",
        "repeated-min-documents = 0",
    ],
)
def test_config_values_out_of_range_are_errors(project: Path, cli: Cli, line: str) -> None:
    (project / "hygiene.toml").write_text(line + "\n", "utf-8")
    corpus(project / "in", 1)
    for argv in (("config", "show"), ("check", *NONE, "in"), ("index", "update", "in")):
        code, _, err = cli(*argv)
        assert code == 2, (argv, err)
        assert f"{line.split()[0]} = " in err and "is out of range; it must be" in err
        one_line_error(err)


@pytest.mark.parametrize(
    "flags",
    [("--time-limit", "nan"), ("--time-limit", "inf"), ("--max-bytes", "2000000000000")],
)
def test_flags_out_of_range_are_errors(tmp_path: Path, cli: Cli, flags: tuple[str, str]) -> None:
    code, _, err = cli("check", *NONE, *flags, str(corpus(tmp_path / "in", 1)))
    assert code == 2 and "is out of range" in err
    one_line_error(err)


def test_config_show_has_the_input_bounds(project: Path, cli: Cli) -> None:
    (project / "hygiene.toml").write_text("max-records = 5000\n", "utf-8")
    code, out, _ = cli("config", "show")
    assert code == 0
    assert any(
        line.startswith("max-input-bytes") and "# default" in line for line in out.split("\n")
    )
    assert any(line.startswith("max-records") and "5000" in line for line in out.split("\n"))


# --- the archive index ----------------------------------------------------------------------------


@pytest.fixture
def archive(tmp_path: Path, cli: Cli) -> Path:
    root = corpus(tmp_path / "archive", 4)
    assert cli("index", "build", str(root))[0] == 0
    return root


def test_a_second_index_update_is_refused_at_once(archive: Path, cli: Cli) -> None:
    folder = os.open(archive / INDEX_DIR, os.O_RDONLY)
    try:
        with exclusive(folder, LOCK_FILE, "test"):
            code, _, err = cli("index", "update", str(archive))
    finally:
        os.close(folder)
    assert code == 2
    assert f"the index {index_path(archive)} is in use by another hygiene job (pid " in err
    one_line_error(err)
    assert cli("index", "update", str(archive))[0] == 0


def test_two_index_updates_at_once_never_say_database_is_locked(archive: Path) -> None:
    corpus(archive, 40, first=10)  # new articles: both updates have work to do
    argv = [sys.executable, "-m", "hygiene", "index", "update", str(archive)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    jobs = [subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    results = [(job.wait(timeout=120), job.communicate()[1]) for job in jobs]
    for code, err in results:
        assert code in (0, 2) and "Traceback" not in err and "database is locked" not in err
        assert code == 0 or "in use by another hygiene job" in err
    done = run_hygiene("index", "update", str(archive))
    assert done.returncode == 0 and "0 added, 0 updated, 0 removed, 44 unchanged" in done.stdout


def test_a_corrupt_index_is_one_error_line_and_force_rebuilds_it(archive: Path, cli: Cli) -> None:
    index_path(archive).write_bytes(b"this is not an SQLite file" * 100)
    for command in ("update", "build"):
        code, _, err = cli("index", command, str(archive))
        assert code == 2
        one_line_error(err)
        assert "cannot be read (file is not a database)" in err and "--force" in err
    assert cli("index", "build", "--force", str(archive))[0] == 0


def test_a_bad_meta_blob_warns_and_the_check_goes_on(archive: Path, cli: Cli) -> None:
    with sqlite3.connect(index_path(archive)) as db:
        db.execute("UPDATE meta SET value = '{not json' WHERE key = 'params'")
    new = corpus(archive.parent / "new", 1, first=50) / "story-0050.txt"
    code, _, err = cli("check", *NONE, "--index", str(index_path(archive)), str(new))
    assert code == 1  # its own findings; the index is said to be unusable
    assert "warning: archive index not used: " in err and "parameters are unreadable" in err
    code, _, err = cli("index", "update", str(archive))
    assert code == 2
    one_line_error(err)


def test_a_bad_signature_blob_stops_the_check_with_one_line(archive: Path, cli: Cli) -> None:
    with sqlite3.connect(index_path(archive)) as db:
        db.execute("UPDATE docs SET signature = x'00'")
    reprint = archive.parent / "new" / "story-0001.txt"
    reprint.parent.mkdir()
    reprint.write_bytes((archive / "story-0001.txt").read_bytes())
    code, _, err = cli("check", *NONE, "--index", str(index_path(archive)), str(reprint))
    assert code == 2
    one_line_error(err)
    assert "the row of story-0001.txt is unreadable" in err and "--force" in err


# --- workers die with their parent ----------------------------------------------------------------


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its reaper is missing


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_exit_when_the_main_process_is_killed(tmp_path: Path) -> None:
    src = corpus(tmp_path / "in", 400)
    argv = [sys.executable, "-m", "hygiene", "clean", "-j", "2", *NONE, str(src)]
    main = subprocess.Popen(
        [*argv, "--out", str(tmp_path / "out")],
        env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and main.poll() is None:
            workers = {p for p in children_of(main.pid) if "spawn_main" in _cmdline(p)}
            time.sleep(0.05)
        if len(workers) < 2:
            pytest.skip("the job ended before its workers were seen")
        os.kill(main.pid, signal.SIGKILL)
        main.wait()
        deadline = time.monotonic() + 15
        while any(alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in workers if alive(p)], "workers outlived the main process"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(main.pid, signal.SIGKILL)  # whatever is left of the session


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
