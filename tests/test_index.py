"""The archive index: build and update it, check new files against it, refuse mixed
parameters. Each test works on a copy of the stories of fixtures/neardup."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hygiene.corpus.index import ArchiveIndex, IndexMismatch, index_path, sync
from hygiene.corpus.neardup import NearDuplicateFinder, NearDupOptions
from hygiene.document import Document
from hygiene.read import iter_documents

if TYPE_CHECKING:
    from conftest import Cli


FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "neardup"
STORIES = sorted(p.name for p in FOLDER.glob("*.txt"))
A1, A2 = "a1-port-strike-wire.txt", "a2-port-strike-exact-copy.txt"
NO_EMBED = ("--embedder", "none")
SUBSCRIBE = "Subscribe to The Harbor Ledger for daily business news."
# A new article on nothing in the archive, closing with the archive's subscribe line.
UNRELATED = """Harbourside cinema saved by late bid from film society

The Lyric, the art deco cinema on the harbour front, will stay open after a film \
society run by volunteers outbid a developer who planned to turn the building into \
flats, the owners confirmed on Friday.

The society raised 1.4 million crowns in ten weeks, most of it in small donations, and \
plans to restore the original organ, add a second screen in the old ballroom and show \
silent films with live music once a month.

"People queued in the rain to give us twenty crowns," said its chair, Ingrid Solvang. \
"That tells you what this place means to the town."

Subscribe to The Harbor Ledger for daily business news.
"""


def reprint() -> str:
    """A new reprint of story A: another headline, the last two paragraphs cut."""
    paragraphs = (FOLDER / A1).read_text("utf-8").split("\n\n")
    return "\n\n".join(["Ships stranded as Port Tessaly dockers strike", *paragraphs[1:6]]) + "\n"


def hy311(out: str) -> list[str]:
    return [line for line in out.splitlines() if " HY311 " in line]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    root.mkdir()
    for story in STORIES:
        shutil.copy(FOLDER / story, root / story)
    return root


@pytest.fixture
def built(archive: Path, cli: Cli) -> Path:
    assert cli("index", "build", str(archive))[0] == 0
    return archive


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    return folder


def opened(root: Path, options: NearDupOptions | None = None) -> ArchiveIndex:
    return ArchiveIndex(index_path(root), options)


def sync_line(root: Path, added: int, updated: int, removed: int, unchanged: int) -> str:
    return (
        f"{index_path(root)}: {added} added, {updated} updated, {removed} removed, "
        f"{unchanged} unchanged, 0 unreadable\n"
    )


# --- build and update -------------------------------------------------------------------------


def test_index_build_creates_the_index_and_reports_counts(archive: Path, cli: Cli) -> None:
    assert not (archive / ".hygiene").exists()
    assert cli("index", "build", str(archive)) == (0, sync_line(archive, 12, 0, 0, 0), "")
    assert (archive / ".hygiene" / "index.sqlite").is_file()
    index = opened(archive)
    assert index.size() == 12 and sorted(index.known()) == STORIES
    index.close()
    # Building again only confirms what is there.
    assert cli("index", "build", str(archive)) == (0, sync_line(archive, 0, 0, 0, 12), "")


def test_update_after_adding_a_file(built: Path, outside: Path, cli: Cli) -> None:
    (outside / "cinema.txt").write_text(UNRELATED, "utf-8")
    (built / "2024").mkdir()
    shutil.copy(outside / "cinema.txt", built / "2024" / "lyric-cinema.txt")
    before = cli("check", *NO_EMBED, "--index", str(index_path(built)), str(outside))
    assert hy311(before[1]) == []
    code, out, _ = cli("index", "update", str(built))
    assert (code, out) == (0, sync_line(built, 1, 0, 0, 12))
    index = opened(built)
    assert index.size() == 13 and "2024/lyric-cinema.txt" in index.known()
    index.close()
    after = cli("check", *NO_EMBED, "--index", str(index_path(built)), str(outside))
    [line] = hy311(after[1])
    assert "near-duplicate of 2024/lyric-cinema.txt (" in line


def test_update_after_editing_a_file_reindexes_it(built: Path, outside: Path, cli: Cli) -> None:
    story = "g-wind-farm-approval.txt"
    old = opened(built).known()[story]
    (built / story).write_text(UNRELATED, "utf-8")
    code, out, _ = cli("index", "update", str(built))
    assert (code, out) == (0, sync_line(built, 0, 1, 0, 11))
    index = opened(built)
    assert index.size() == 12 and index.known()[story][2] != old[2]  # a new digest
    index.close()
    (outside / "cinema.txt").write_text(UNRELATED, "utf-8")
    _, out, _ = cli("check", *NO_EMBED, "--index", str(index_path(built)), str(outside))
    [line] = hy311(out)
    assert f"near-duplicate of {story} (" in line


def test_update_after_deleting_a_file_removes_it(built: Path, outside: Path, cli: Cli) -> None:
    (outside / "reprint.txt").write_text(reprint(), "utf-8")
    args = ("check", *NO_EMBED, "--index", str(index_path(built)), str(outside))
    assert f"near-duplicate of {A1} (" in hy311(cli(*args)[1])[0]
    (built / A1).unlink()
    code, out, _ = cli("index", "update", str(built))
    assert (code, out) == (0, sync_line(built, 0, 0, 1, 11))
    index = opened(built)
    assert index.size() == 11 and A1 not in index.known()
    index.close()
    [line] = hy311(cli(*args)[1])
    assert f"near-duplicate of {A2} (" in line  # the identical copy is now the best match


# --- check against the index -------------------------------------------------------------------


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_check_new_reprint_names_the_archived_original(
    built: Path, outside: Path, cli: Cli, where: str
) -> None:
    if where == "outside":
        new = outside / "reprint.txt"
        index_args: tuple[str, ...] = ("--index", str(index_path(built)))
    else:
        (built / "incoming").mkdir()
        new = built / "incoming" / "reprint.txt"
        index_args = ()  # auto: found above the file
    new.write_text(reprint(), "utf-8")
    code, out, _ = cli("check", *NO_EMBED, *index_args, str(new))
    assert code == 1
    [line] = hy311(out)
    assert line.startswith(f"{new}:1:1: HY311 near-duplicate of {A1} (")
    assert "found in the archive index, 5 match(es)" in line


def test_check_unrelated_article_gets_no_hy311_but_hy109(
    built: Path, outside: Path, cli: Cli
) -> None:
    new = outside / "cinema.txt"
    new.write_text(UNRELATED, "utf-8")
    code, out, _ = cli("check", *NO_EMBED, "--index", str(index_path(built)), str(new))
    assert code == 1
    assert hy311(out) == []
    [line] = [line for line in out.splitlines() if " HY109 " in line]
    at = UNRELATED.split("\n").index(SUBSCRIBE) + 1
    assert line.startswith(f"{new}:{at}:1: HY109 paragraph found in 6 unrelated documents")


def test_checking_an_indexed_file_does_not_match_itself(built: Path, cli: Cli) -> None:
    story = str(built / "c-building-society-profit.txt")
    _, out, _ = cli("check", *NO_EMBED, "--select", "HY3", "--select", "HY109", story)
    assert hy311(out) == []
    # Its subscribe line is in five other archived stories: itself not counted.
    assert " HY109 paragraph found in 5 unrelated documents of the archive " in out
    _, out, _ = cli("check", *NO_EMBED, str(built / A1))
    [line] = hy311(out)
    assert f"near-duplicate of {A2} (" in line and "4 match(es)" in line


def test_near_duplicates_leave_out_the_excluded_key(built: Path) -> None:
    [doc] = iter_documents([str(built / A1)])
    assert isinstance(doc, Document)
    finder = NearDuplicateFinder()
    entry = finder.entry(doc.id, doc.path, doc.text)
    index = opened(built)
    everything = index.near_duplicates(entry, finder)
    assert everything[0][0] == A1 and everything[0][1] == 1.0
    others = index.near_duplicates(entry, finder, exclude=A1)
    index.close()
    assert [m[0] for m in others] == [m[0] for m in everything if m[0] != A1]
    assert len(others) == 4


def test_report_over_an_indexed_archive_keeps_the_kept_member(built: Path, cli: Cli) -> None:
    code, out, _ = cli("report", "--format", "json", *NO_EMBED, str(built))
    assert code == 0
    data = json.loads(out)
    [cluster] = data["clusters"]
    kept = str(built / A1)
    assert cluster["kept"] == kept
    for entry in data["files"]:
        messages = [f["message"] for f in entry["findings"] if f["code"] == "HY311"]
        if entry["path"] in cluster["members"] and entry["path"] != kept:
            assert len(messages) == 1 and messages[0].startswith(f"near-duplicate of {kept} (")
        else:
            assert messages == [], entry["path"]


def test_index_none_skips_the_index(built: Path, cli: Cli) -> None:
    new = built / "reprint.txt"
    new.write_text(reprint(), "utf-8")
    assert cli("check", *NO_EMBED, "--index", "none", str(new)) == (0, "", "")
    assert len(hy311(cli("check", *NO_EMBED, str(new))[1])) == 1


# --- parameters --------------------------------------------------------------------------------


def test_mismatched_parameters_raise_index_mismatch(built: Path) -> None:
    with pytest.raises(IndexMismatch) as caught:
        opened(built, NearDupOptions(num_perm=64))
    message = str(caught.value)
    assert str(index_path(built)) in message
    assert "built with k=5, num_perm=128" in message and "not k=5, num_perm=64" in message
    assert "hygiene index build --force" in message
    # The keep policy is not an index parameter.
    index = opened(built, NearDupOptions(keep="longest"))
    assert index.size() == 12
    index.close()


def test_update_refuses_a_mismatched_index_and_force_rebuilds_it(archive: Path, cli: Cli) -> None:
    sync(archive, NearDupOptions(num_perm=64))
    code, out, err = cli("index", "update", str(archive))
    assert (code, out) == (2, "") and "num_perm=64" in err
    assert cli("index", "build", "--force", str(archive))[0] == 0
    index = opened(archive)  # default parameters now
    assert index.size() == 12
    index.close()


def test_check_with_a_mismatching_index_warns_and_goes_on(
    archive: Path, outside: Path, cli: Cli
) -> None:
    sync(archive, NearDupOptions(num_perm=64))
    new = outside / "reprint.txt"
    new.write_text(reprint(), "utf-8")
    code, out, err = cli("check", *NO_EMBED, "--index", str(index_path(archive)), str(new))
    assert (code, out) == (0, "")  # no findings of its own: the unusable index is no error
    assert err.startswith("hygiene: warning: archive index not used: ")
    assert "num_perm=64" in err
    shutil.copy(FOLDER / "c-building-society-profit.txt", outside / "c.txt")
    code, out, err = cli(
        "check", *NO_EMBED, "--index", str(index_path(archive)), str(outside / "c.txt")
    )
    assert code == 1 and out and "warning: archive index not used" in err


# --- one pair check, one set of settings --------------------------------------------------------


def test_the_index_accepts_exactly_the_pairs_a_run_accepts(built: Path) -> None:
    """One pair check: a new text against the archive is a near-duplicate of the
    stories the finder itself would pair it with, figures included (here the wire
    story with its figures changed, like a weekly statistics story)."""
    original = (built / A1).read_text("utf-8")
    digits = iter("7391846205" * 200)
    template = "".join(next(digits) if ch.isdigit() else ch for ch in original)
    finder = NearDuplicateFinder()
    for text in (original, template, reprint()):
        new = finder.entry("new", "new.txt", text)
        expected = set()
        for story in STORIES:
            archived = finder.entry(story, story, (built / story).read_text("utf-8"))
            j, c = finder.similar(new, archived)
            if finder.same_story(new, archived, j, c):
                expected.add(story)
        index = opened(built)
        found = {path for path, _, _ in index.near_duplicates(new, finder)}
        index.close()
        assert found == expected
    assert A1 not in found_for(built, finder, template)  # other figures: not the wire story


def found_for(built: Path, finder: NearDuplicateFinder, text: str) -> set[str]:
    index = opened(built)
    try:
        return {p for p, _, _ in index.near_duplicates(finder.entry("t", "t", text), finder)}
    finally:
        index.close()


def test_repeated_min_documents_reaches_the_archive(
    built: Path, outside: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = outside / "cinema.txt"
    new.write_text(UNRELATED, "utf-8")
    (outside / "hygiene.toml").write_text("repeated-min-documents = 7\n", "utf-8")
    monkeypatch.chdir(outside)
    _, out, _ = cli("check", *NO_EMBED, "--index", str(index_path(built)), str(new))
    assert " HY109 " not in out  # six archived documents hold the line: under seven
    (outside / "hygiene.toml").write_text("repeated-min-documents = 6\n", "utf-8")
    _, out, _ = cli("check", *NO_EMBED, "--index", str(index_path(built)), str(new))
    assert " HY109 paragraph found in 6 unrelated documents of the archive" in out


def test_index_commands_take_the_config_files_settings(
    archive: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    (archive / "hygiene.toml").write_text("near-duplicate-threshold = 0.3\n", "utf-8")
    monkeypatch.chdir(archive)
    assert cli("index", "build", ".")[0] == 0
    index = opened(archive, NearDupOptions(threshold=0.3))  # built for the config's threshold
    index.close()
    with pytest.raises(IndexMismatch):
        opened(archive)


def test_an_index_of_another_format_is_refused_with_what_to_do(built: Path) -> None:
    import sqlite3

    db = sqlite3.connect(index_path(built))
    (params,) = db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
    stored = json.loads(params) | {"format": "hygiene-index/1"}
    db.execute("UPDATE meta SET value = ? WHERE key = 'params'", (json.dumps(stored),))
    db.commit()
    db.close()
    with pytest.raises(IndexMismatch, match=r"hygiene-index/1 index.*index build --force"):
        opened(built)
