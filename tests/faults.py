"""Helpers shared by the fault tests (tests/test_faults_*.py): hygiene in a real
process (with a deadline, so that a hang fails instead of blocking the suite),
small corpora, a scratch tmpfs, and the output tree of a clean run."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NONE = ("--embedder", "none")
STORY = (
    "The council voted on Tuesday to build a library on Elm Street.\n\n"
    "By Ana Lima\n\n"
    "Construction starts next spring and costs {n} million dollars, the mayor said.\n\n"
    "Sign up for our newsletter to get the latest local news in your inbox.\n"
)


def run_hygiene(*argv: str, timeout: float = 60, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``hygiene ARGV`` in its own process: a hang is a failure after ``timeout``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
    env.pop("HYGIENE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "hygiene", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **kwargs,
    )


def corpus(folder: Path, n: int = 3, first: int = 0) -> Path:
    """``n`` small distinct articles with page furniture in them (``first``: the
    number of the first, for articles distinct from another corpus's)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(first, first + n):
        words = (hashlib.sha256(f"{i}.{j}".encode()).hexdigest()[:7] for j in range(150))
        body = STORY.format(n=i + 10) + f"\nItem {i}: " + " ".join(words)
        (folder / f"story-{i:04d}.txt").write_text(body + "\n", "utf-8")
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (links not followed), by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def manifest(out: Path) -> list[dict[str, Any]]:
    text = (out / "hygiene-manifest.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def one_line_error(stderr: str) -> None:
    """A failure said in lines of its own, never a traceback."""
    assert "Traceback" not in stderr, stderr
    assert "hygiene: error:" in stderr or "Error:" in stderr, stderr


@contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``where`` (skipped where mounting is not allowed)."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)
