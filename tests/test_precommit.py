"""The pre-commit hook, run by the real pre-commit in a throwaway git repository.

pre-commit installs this repository's committed HEAD into its own virtualenv, as
a user's archive gets it: the core install (onnxruntime, tokenizers, numpy, click
and the models inside the package), about a minute the first time. PRE_COMMIT_HOME
is shared by the module so that happens once. The hook runs with the repository's
default arguments, embeddings included, unless a test adds its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from hygiene.cli import main

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git")
# An article of the example corpus with a legal sentence planted in line 14: only
# the embedding rules (HY203) find it.
PLANTED = ROOT / "fixtures" / "corpus" / "fairhaven-delivery-robots.txt"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(GIT is None, reason="git is not installed"),
]

STORY = """\
Council approves new library on Elm Street

By Ana Lima

The city council voted on Tuesday to build a new public library on Elm Street, ending a debate that had lasted more than two years. The building will replace the old branch, which closed in 2021 after its roof failed.

Construction is expected to begin next spring and to cost about 14 million dollars, most of it from a state grant. Council member Ruth Okafor said the site was chosen because it sits near two schools and a bus line.

Mayor Daniel Reyes speaks at the council meeting on Tuesday. (Jane Roe/AP)

Sign up for our newsletter to get the latest local news in your inbox.

The library is due to open in the autumn of 2027, the council said.
"""  # noqa: E501
CLEAN = """\
Harbour ferry service to resume in May

The harbour ferry between Northport and Gull Island will resume in May after a two-year pause, the transport authority said on Monday. The service stopped in 2024 when its only vessel failed a safety inspection.

A refitted boat, bought from an operator in Norway, passed its sea trials last month. It can carry 180 passengers and a dozen cars, twice the capacity of the old ferry.

Island residents have relied on a private water taxi since the pause. Shop owners said deliveries had become slower and more expensive, and several families moved to the mainland.
"""  # noqa: E501
# The same ferry story with a byline (line 3) and a call to action (line 9).
DIRTY = CLEAN.replace("\n\n", "\n\nBy Tom Park\n\n", 1).replace(
    "\n\nIsland", "\n\nFollow us on Facebook and Twitter for more local news.\n\nIsland"
)
TIMEOUT = 1800  # building the hook's environment the first time


@dataclass(frozen=True)
class Hook:
    env: dict[str, str]
    rev: str


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    assert GIT is not None
    proc = subprocess.run(
        [GIT, *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def pre_commit(repo: Path, hook: Hook, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=hook.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def make_repo(path: Path, hook: Hook, args: list[str] | None = None) -> Path:
    """A git repository using this project's hook (with these args, or none: the
    hook's defaults), hooks installed."""
    path.mkdir()
    git(path, "init", "-q")
    git(path, "config", "user.email", "hygiene-tests@example.com")
    git(path, "config", "user.name", "hygiene tests")
    git(path, "config", "commit.gpgsign", "false")
    (path / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {json.dumps(str(ROOT))}\n"
        f"    rev: {hook.rev}\n"
        "    hooks:\n"
        "      - id: hygiene\n" + (f"        args: {json.dumps(args)}\n" if args else ""),
        encoding="utf-8",
    )
    proc = pre_commit(path, hook, "install")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return path


def commit(repo: Path, hook: Hook, *files: str) -> tuple[int, str]:
    """Stage files and commit them through the installed hook: (exit code, output)."""
    assert GIT is not None
    git(repo, "add", *files)
    proc = subprocess.run(
        [GIT, "commit", "-m", f"add {' '.join(files)}"],
        cwd=repo,
        env=hook.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def n_commits(repo: Path) -> int:
    assert GIT is not None
    proc = subprocess.run(
        [GIT, "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True, text=True
    )
    return int(proc.stdout) if proc.returncode == 0 else 0


@pytest.fixture(scope="module")
def hook(tmp_path_factory: pytest.TempPathFactory) -> Hook:
    """Environment for pre-commit and the hook's environment, built once."""
    assert GIT is not None
    head = subprocess.run(
        [GIT, "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    if head.returncode != 0:
        pytest.skip(f"{ROOT} is not a git checkout: {head.stderr.strip()}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    env["PRE_COMMIT_COLOR"] = "never"
    hook = Hook(env, head.stdout.strip())
    warm = make_repo(tmp_path_factory.mktemp("warm") / "repo", hook)
    proc = pre_commit(warm, hook, "install-hooks")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return hook


def test_config_names_only_the_hook_id(tmp_path: Path, hook: Hook) -> None:
    repo = make_repo(tmp_path / "repo", hook)
    config = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert config.rstrip().endswith("- id: hygiene") and "args" not in config


def test_commit_of_contaminated_article_fails(tmp_path: Path, hook: Hook) -> None:
    repo = make_repo(tmp_path / "repo", hook)
    (repo / "story.txt").write_text(STORY, encoding="utf-8")
    code, out = commit(repo, hook, ".pre-commit-config.yaml", "story.txt")
    assert code != 0, out
    assert "- hook id: hygiene" in out and "Failed" in out
    for where in ("story.txt:3:1: HY101", "story.txt:9:1: HY104", "story.txt:11:1: HY105"):
        assert where in out, out
    assert n_commits(repo) == 0
    assert (repo / "story.txt").read_text("utf-8") == STORY  # the hook reports, never edits


def test_hook_runs_the_embedding_rules(tmp_path: Path, hook: Hook) -> None:
    repo = make_repo(tmp_path / "repo", hook)
    shutil.copyfile(PLANTED, repo / PLANTED.name)
    code, out = commit(repo, hook, ".pre-commit-config.yaml", PLANTED.name)
    assert code != 0, out
    assert f"{PLANTED.name}:14:355: HY203" in out, out  # the planted legal sentence
    assert "Traceback" not in out


def test_commit_of_clean_article_passes(tmp_path: Path, hook: Hook) -> None:
    repo = make_repo(tmp_path / "repo", hook)
    (repo / "ferry.txt").write_text(CLEAN, encoding="utf-8")
    code, out = commit(repo, hook, ".pre-commit-config.yaml", "ferry.txt")
    assert code == 0, out
    assert "hygiene" in out and "Passed" in out
    assert n_commits(repo) == 1


def test_baseline_lets_old_findings_pass_and_fails_new_ones(
    tmp_path: Path, hook: Hook, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", hook, ["--baseline", "baseline.json"])
    old = repo / "old.txt"
    old.write_text(STORY, encoding="utf-8")
    monkeypatch.chdir(repo)
    assert main(["check", "--write-baseline", "baseline.json", "old.txt"]) == 0
    code, out = commit(repo, hook, ".pre-commit-config.yaml", "baseline.json", "old.txt")
    assert code == 0, out
    # The old file edited: its furniture moved down by a blank line and a new paragraph.
    old.write_text(STORY.replace("\n\n", "\n\n\nIt was the third vote.\n\n", 1), "utf-8")
    code, out = commit(repo, hook, "old.txt")
    assert code == 0, out
    (repo / "new.txt").write_text(DIRTY, encoding="utf-8")
    code, out = commit(repo, hook, "new.txt")
    assert code != 0, out
    assert "new.txt:3:1: HY101" in out and "new.txt:9:1: HY105" in out
    assert "old.txt" not in out
    assert n_commits(repo) == 2
