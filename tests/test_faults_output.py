"""Fault tests, output side: nothing lost, nothing written outside --out or -o.

Concurrent jobs on one --out, symbolic links inside --out, -o onto a device, a
FIFO or /dev/stdout, a read-only or full --out, --out under a regular file, and
the sweep of temporary files after an interrupted job.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from faults import NONE, ROOT, corpus, manifest, one_line_error, remount, run_hygiene, tmpfs, tree

from hygiene.batch.outdir import OutDir
from hygiene.batch.state import LOCK_NAME, STATE_DIR
from hygiene.lock import exclusive

if TYPE_CHECKING:
    from conftest import Cli


# --- one job per --out ----------------------------------------------------------------------------


def test_a_second_job_on_a_locked_out_is_refused_at_once(tmp_path: Path, cli: Cli) -> None:
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    out.mkdir()
    with OutDir(out) as folder, exclusive(folder.fd, LOCK_NAME, "test"):
        code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
        assert code == 2
        assert f"is in use by another hygiene job (pid {os.getpid()})" in err
        assert err.count("\n") == 1  # one line
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # nothing else written
    code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
    assert code == 0, err
    assert not (out / LOCK_NAME).exists() and not (out / STATE_DIR).exists()


def test_two_identical_jobs_started_together_lose_nothing(tmp_path: Path) -> None:
    """The data-loss race of the issue: both jobs resumed one state and the second
    rewrote the manifest with its own parts only. Now one of them holds the lock
    and the other is refused (or runs after it, as a whole job)."""
    src = corpus(tmp_path / "in", 300)  # more than one part of 256 documents
    reference = tmp_path / "reference"
    assert run_hygiene("clean", *NONE, str(src), "--out", str(reference)).returncode == 0
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "hygiene", "clean", *NONE, str(src), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
    jobs = [subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    results = [(job.wait(timeout=300), job.communicate()[1]) for job in jobs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    for code, err in results:
        if code == 2:
            assert "in use by another hygiene job (pid " in err and "Traceback" not in err
    assert tree(out) == tree(reference)  # every record and every removed text is there
    assert len(manifest(out)) == len(manifest(reference))


def test_a_lock_left_by_a_killed_job_does_not_block(tmp_path: Path, cli: Cli) -> None:
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys, time; from hygiene.lock import exclusive\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "with exclusive(fd, sys.argv[2], 'test'):\n"
            "    print('held', flush=True); time.sleep(300)\n",
            str(out),
            LOCK_NAME,
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    assert cli("clean", *NONE, str(src), "--out", str(out))[0] == 2
    holder.kill()  # kill -9: no clean-up, the lock file stays
    holder.wait()
    assert (out / LOCK_NAME).exists()
    code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
    assert code == 0, err
    assert not (out / LOCK_NAME).exists()


# --- no write follows a link out of --out ---------------------------------------------------------


def test_a_symlinked_folder_inside_out_is_never_written_through(tmp_path: Path, cli: Cli) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    corpus(src / "sub", 1, first=1)
    corpus(src, 1)
    before = tree(src)
    out.mkdir()
    (out / "sub").symlink_to("../in/sub")
    code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
    assert code == 2
    assert tree(src) == before  # the input is untouched
    assert "sub is a symbolic link inside --out; not followed" in err
    skipped = [m for m in manifest(out) if m["action"] == "skipped"]
    assert [m["path"] for m in skipped] == [str(src / "sub" / "story-0001.txt")]
    assert (out / "story-0000.txt").is_file()  # the other document is written


def test_a_link_where_a_cleaned_file_goes_is_replaced_not_followed(
    tmp_path: Path, cli: Cli
) -> None:
    src, out = corpus(tmp_path / "in", 1), tmp_path / "out"
    before = tree(src)
    out.mkdir()
    (out / "story-0000.txt").symlink_to(src / "story-0000.txt")
    code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
    assert code == 0, err
    assert tree(src) == before
    assert not (out / "story-0000.txt").is_symlink()
    assert "By Ana Lima" not in (out / "story-0000.txt").read_text("utf-8")


def test_a_symlinked_job_state_folder_stops_the_job(tmp_path: Path, cli: Cli) -> None:
    src, out, elsewhere = corpus(tmp_path / "in"), tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / STATE_DIR).symlink_to(elsewhere)
    code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
    assert code == 2
    one_line_error(err)
    assert "symbolic link" in err
    assert list(elsewhere.iterdir()) == []


# --- -o onto anything but a regular file is written in place --------------------------------------


def test_report_onto_a_fifo_is_written_into_it(tmp_path: Path) -> None:
    src = corpus(tmp_path / "in", 1)
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = run_hygiene("report", *NONE, "--format", "json", str(src), "-o", str(fifo), timeout=60)
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO
    assert received and b'"schema": "hygiene/1"' in received[0]


def test_report_onto_a_device_keeps_the_device(tmp_path: Path) -> None:
    """A copy of /dev/null made here, so that a regression cannot break the real one."""
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    src = corpus(tmp_path / "in", 1)
    done = run_hygiene("report", *NONE, str(src), "-o", str(null))
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(null.stat().st_mode)


def test_report_onto_a_link_to_dev_stdout_goes_to_stdout(tmp_path: Path) -> None:
    src = corpus(tmp_path / "in", 1)
    link = tmp_path / "stdout"
    link.symlink_to("/dev/stdout")
    done = run_hygiene("report", *NONE, "--format", "json", str(src), "-o", str(link))
    assert done.returncode == 0, done.stderr
    assert '"schema": "hygiene/1"' in done.stdout
    assert link.is_symlink()


def test_report_onto_a_link_to_a_file_replaces_the_file_and_keeps_the_link(
    tmp_path: Path, cli: Cli
) -> None:
    src = corpus(tmp_path / "in", 1)
    target, link = tmp_path / "real.json", tmp_path / "link.json"
    target.write_text("old", "utf-8")
    link.symlink_to(target)
    code, _, err = cli("report", *NONE, "--format", "json", str(src), "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and '"schema": "hygiene/1"' in target.read_text("utf-8")


def test_report_onto_a_folder_is_one_error_line(tmp_path: Path, cli: Cli) -> None:
    src = corpus(tmp_path / "in", 1)
    code, _, err = cli("report", *NONE, str(src), "-o", str(tmp_path))
    assert code == 2
    one_line_error(err)


# --- the output folder itself unusable ------------------------------------------------------------


def test_out_under_a_regular_file_is_one_error_line(tmp_path: Path, cli: Cli) -> None:
    src = corpus(tmp_path / "in", 1)
    (tmp_path / "file").write_text("x", "utf-8")
    code, _, err = cli("clean", *NONE, str(src), "--out", str(tmp_path / "file" / "out"))
    assert code == 2
    one_line_error(err)
    assert "Not a directory" in err


def test_a_read_only_out_is_one_error_line(tmp_path: Path, cli: Cli) -> None:
    src = corpus(tmp_path / "in", 1)
    with tmpfs(tmp_path / "ro", "1m") as out:
        remount(out, "ro")
        code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
    assert code == 2
    one_line_error(err)
    assert "Read-only file system" in err


def test_a_full_disk_stops_cleanly_and_the_job_resumes(tmp_path: Path, cli: Cli) -> None:
    src = corpus(tmp_path / "in", 40)
    reference = tmp_path / "reference"
    assert cli("clean", *NONE, str(src), "--out", str(reference))[0] == 0
    size = sum(len(data) for data in tree(reference).values())
    with tmpfs(tmp_path / "small", f"{size // 3 // 1024}k") as out:
        code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
        assert code == 2
        one_line_error(err)
        assert "No space left on device" in err and "run the same command again" in err
        assert not (out / "hygiene-manifest.jsonl").exists()  # nothing half-written
        assert not [p for p in out.rglob("*.tmp")]
        remount(out, f"size={4 * size // 1024 + 1024}k")
        code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
        assert code == 0, err
        assert "(resumed)" in err
        assert tree(out) == tree(reference)


def test_a_full_disk_while_assembling_resumes(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a tmpfs: the manifest's assembly fails as on a full disk."""
    from hygiene.batch.writer import CleanWriter

    src, out, reference = corpus(tmp_path / "in", 3), tmp_path / "out", tmp_path / "reference"
    assert cli("clean", *NONE, str(src), "--out", str(reference))[0] == 0

    def full(self: CleanWriter) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(CleanWriter, "_assemble_parts", full)
        code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
    assert code == 2
    one_line_error(err)
    # A user's own file that looks like an old temporary name survives the resume.
    (out / ".draft.a1b2c3d4.tmp").write_text("mine", "utf-8")
    code, _, err = cli("clean", *NONE, str(src), "--out", str(out))
    assert code == 0 and "(resumed)" in err, err
    assert (out / ".draft.a1b2c3d4.tmp").read_text("utf-8") == "mine"
    del_mine = {k: v for k, v in tree(out).items() if k != ".draft.a1b2c3d4.tmp"}
    assert del_mine == tree(reference)


def test_the_sweep_removes_only_hygiene_temporary_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    ours = tmp_path / "sub" / ".a.txt.0123abcd.hygiene.tmp"
    users = [tmp_path / ".notes.12345678.tmp", tmp_path / "sub" / ".b.txt.abcdefgh.tmp"]
    for path in [ours, *users]:
        path.write_text("x", "utf-8")
    with OutDir(tmp_path) as out:
        assert out.sweep_temp_files() == 1
    assert not ours.exists() and all(p.exists() for p in users)


def test_fix_through_a_link_fixes_the_file_and_keeps_the_link(tmp_path: Path, cli: Cli) -> None:
    src = corpus(tmp_path / "in", 1)
    link = tmp_path / "link.txt"
    link.symlink_to(src / "story-0000.txt")
    code, _, err = cli("check", *NONE, "--fix", str(link))
    assert code in (0, 1)  # findings --fix cannot remove may be left
    assert "fixed" in err, err
    assert link.is_symlink() and "By Ana Lima" not in link.read_text("utf-8")


def test_a_baseline_that_cannot_be_written_is_one_error_line(tmp_path: Path, cli: Cli) -> None:
    src = corpus(tmp_path / "in", 1)
    (tmp_path / "file").write_text("x", "utf-8")
    baseline = tmp_path / "file" / "baseline.json"
    code, _, err = cli("check", *NONE, "--write-baseline", str(baseline), str(src))
    assert code == 2
    one_line_error(err)
