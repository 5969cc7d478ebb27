"""hygiene check: output formats, severities, suppressions, baselines, --diff and --fix."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hygiene.rules import RULES

if TYPE_CHECKING:
    from conftest import Cli


PARAGRAPHS = [
    "The city council voted on Tuesday to build a new public library on Elm Street, ending "
    "a debate that had lasted more than two years. The building will replace the old "
    "branch, which closed in 2021 after its roof failed.",
    "Construction is expected to begin next spring and to cost about 14 million dollars, "
    "most of it from a state grant. Council member Ruth Okafor said the site was chosen "
    "because it sits near two schools and a bus line.",
    "Residents at the meeting mostly welcomed the plan. Some asked the council to keep the "
    "old reading garden, and the architect said the design would preserve it.",
]
HEADLINE = "Council approves new library on Elm Street"
BYLINE = "By Ana Lima"
CAPTION = "Mayor Daniel Reyes speaks at the council meeting on Tuesday. (Jane Roe/AP)"
NEWSLETTER = "Sign up for our newsletter to get the latest local news in your inbox."
FOLLOW = "Follow us on Facebook and Twitter for more local news."
# Warnings only: HY101 line 3, HY104 line 11, HY105 line 13.
CLOSING = "The library is due to open in the autumn of 2027, the council said."
STORY = "\n\n".join([HEADLINE, BYLINE, *PARAGRAPHS, CAPTION, NEWSLETTER, CLOSING]) + "\n"
EXPECTED = [(3, "HY101"), (11, "HY104"), (13, "HY105")]
# A different story: HY101 line 3, HY105 line 9.
OTHER = """\
Harbour ferry service to resume in May

By Tom Park

The harbour ferry between Northport and Gull Island will resume in May after a two-year pause, the transport authority said on Monday. The service stopped in 2024 when its only vessel failed a safety inspection.

A refitted boat, bought from an operator in Norway, passed its sea trials last month. It can carry 180 passengers and a dozen cars, twice the capacity of the old ferry.

Follow us on Facebook and Twitter for more local news.
"""  # noqa: E501
LINT = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<code>HY\d{3}) (?P<msg>.+) \[(?P<name>[a-z-]+)\]$"
)
NONE = ("--embedder", "none")


def check(cli: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return cli("check", *NONE, *argv)


def found(out: str) -> list[tuple[str, int, str]]:
    """(path, line, code) of each concise lint line; every line must be one."""
    matches = [LINT.match(line) for line in out.splitlines()]
    assert all(matches), out
    return [(m["path"], int(m["line"]), m["code"]) for m in matches if m]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


# --- formats ------------------------------------------------------------------------------


def test_concise_format(here: Path, cli: Cli) -> None:
    write(here / "story.txt", STORY)
    code, out, err = check(cli, "--format", "concise", "story.txt")
    assert code == 1
    lines = STORY.split("\n")
    for line in out.splitlines():
        m = LINT.match(line)
        assert m, line
        assert m["col"] == "1" and m["name"] == RULES[m["code"]].name
    assert found(out) == [("story.txt", n, c) for n, c in EXPECTED]
    assert lines[2] == BYLINE and lines[10] == CAPTION and lines[12] == NEWSLETTER
    assert "Found 3 findings in 1 file." in err
    assert check(cli, "story.txt")[1] == out  # concise is the default


def test_full_format_adds_severity_summary_and_snippet(here: Path, cli: Cli) -> None:
    write(here / "story.txt", STORY)
    code, out, _ = check(cli, "--format", "full", "story.txt")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3 * len(EXPECTED)
    texts = {3: BYLINE, 11: CAPTION, 13: NEWSLETTER}
    for i, (line, code_) in enumerate(EXPECTED):
        head, detail, snippet = lines[3 * i : 3 * i + 3]
        assert found(head) == [("story.txt", line, code_)]
        rule = RULES[code_]
        assert re.fullmatch(rf"    warning: {re.escape(rule.summary)}; score \d\.\d\d", detail)
        assert snippet.startswith("    | ")
        flat = snippet[6:]
        assert texts[line].startswith(flat.rstrip("…")) and len(flat) <= 72


def test_json_format(here: Path, cli: Cli) -> None:
    write(here / "story.txt", STORY)
    write(here / "clean.txt", OTHER.replace("By Tom Park\n\n", "").replace(FOLLOW, ""))
    code, out, err = check(cli, "--format", "json", "story.txt", "clean.txt")
    assert code == 1 and "Found" not in err
    report = json.loads(out)
    assert report["schema"] == "hygiene/1"
    by_path = {f["path"]: f["findings"] for f in report["files"]}
    assert by_path["clean.txt"] == []
    assert [(f["line"], f["code"]) for f in by_path["story.txt"]] == EXPECTED
    first = by_path["story.txt"][0]
    assert STORY[first["start"] : first["end"]] == BYLINE
    assert report["summary"]["findings"] == 3 and report["errors"] == []


def test_github_format(here: Path, cli: Cli) -> None:
    write(here / "story.txt", STORY)
    write(here / "a,copy.txt", STORY)  # near-duplicate: HY311, an error, on story.txt
    code, out, err = check(cli, "--format", "github", "story.txt", "a,copy.txt")
    assert code == 1 and err == ""
    pattern = re.compile(
        r"::(?P<level>warning|error) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
        r"endLine=\d+,title=(?P<code>HY\d{3}) (?P<name>[a-z-]+)::.+"
    )
    rows = []
    for line in out.splitlines():
        m = pattern.fullmatch(line)
        assert m, line
        assert m["level"] == RULES[m["code"]].severity and m["name"] == RULES[m["code"]].name
        rows.append((m["level"], m["file"], int(m["line"]), m["code"]))
    assert ("error", "story.txt", 1, "HY311") in rows
    assert ("warning", "story.txt", 3, "HY101") in rows
    assert ("warning", "a%2Ccopy.txt", 11, "HY104") in rows  # ',' escaped in the property


# --- severities -------------------------------------------------------------------------


def test_min_severity_error_hides_warnings(here: Path, cli: Cli) -> None:
    write(here / "story.txt", STORY)
    write(here / "copy.txt", STORY)
    code, out, _ = check(cli, "story.txt", "copy.txt")
    assert {c for _, _, c in found(out)} == {"HY101", "HY104", "HY105", "HY311"}
    code, out, _ = check(cli, "--min-severity", "error", "story.txt", "copy.txt")
    assert (code, found(out)) == (1, [("story.txt", 1, "HY311")])
    # Only warnings, all hidden: nothing shown and nothing fails.
    assert check(cli, "--min-severity", "error", "story.txt")[:2] == (0, "")


def test_fail_on_error(here: Path, cli: Cli) -> None:
    write(here / "story.txt", STORY)
    code, out, _ = check(cli, "--fail-on", "error", "story.txt")
    assert code == 0 and found(out) == [("story.txt", n, c) for n, c in EXPECTED]
    write(here / "copy.txt", STORY)
    code, out, _ = check(cli, "--fail-on", "error", "story.txt", "copy.txt")
    assert code == 1 and ("story.txt", 1, "HY311") in found(out)
    assert check(cli, "--fail-on", "warning", "story.txt")[0] == 1


# --- suppressions -------------------------------------------------------------------------


def test_per_file_ignores_by_glob(here: Path, cli: Cli) -> None:
    write(
        here / "hygiene.toml",
        '[per-file-ignores]\n"wire/*.txt" = ["HY104", "HY105"]\n"*-photo.txt" = ["HY1"]\n',
    )
    write(here / "story.txt", STORY)
    write(here / "wire" / "ferry.txt", OTHER)
    write(here / "archive" / "ferry-photo.txt", OTHER.replace("Tom Park", "Li Wei"))
    code, out, _ = check(cli, "--select", "HY1", ".")
    assert code == 1
    assert sorted(found(out)) == [
        ("story.txt", 3, "HY101"),
        ("story.txt", 11, "HY104"),
        ("story.txt", 13, "HY105"),
        ("wire/ferry.txt", 3, "HY101"),
    ]


DIRECTIVE_DOC = [
    "# " + HEADLINE,
    "<!-- hygiene: ignore HY101 -->\n" + BYLINE,  # line 4: the byline is exempt
    PARAGRAPHS[0],
    "<!-- hygiene: ignore HY101 -->\n" + NEWSLETTER,  # line 9: HY105 is not named: flagged
    "<!-- hygiene: ignore -->\n" + CAPTION,  # line 12: every rule exempt
    FOLLOW,  # line 14: after the exempt block: flagged
    PARAGRAPHS[1],
]
MARKDOWN_FINDINGS = [("story.md", 9, "HY105"), ("story.md", 14, "HY105")]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_ignore_directive_exempts_only_the_next_block_in_markdown(
    here: Path, cli: Cli, newline: str
) -> None:
    text = "\n\n".join(DIRECTIVE_DOC).replace("\n", newline) + newline
    write(here / "story.md", text)
    code, out, _ = check(cli, "story.md")
    # The directive comments themselves are not findings either.
    assert (code, found(out)) == (1, MARKDOWN_FINDINGS)


def test_ignore_directive_block_ends_at_a_blank_line_with_spaces(here: Path, cli: Cli) -> None:
    text = "\n  \n".join(DIRECTIVE_DOC) + "\n"
    write(here / "story.md", text)
    assert found(check(cli, "story.md")[1]) == MARKDOWN_FINDINGS


def test_ignore_directive_is_not_read_in_txt_files(here: Path, cli: Cli) -> None:
    write(here / "story.txt", "\n\n".join(DIRECTIVE_DOC) + "\n")
    code, out, _ = check(cli, "story.txt")
    rows = found(out)
    assert code == 1
    expected = {(4, "HY101"), (9, "HY105"), (12, "HY104"), (14, "HY105")}
    assert expected <= {(line, code) for _, line, code in rows}


# --- baseline ----------------------------------------------------------------------------


def shuffled(text: str) -> str:
    """The same paragraphs, furniture included, in another order, with extra blank lines."""
    blocks = text.strip("\n").split("\n\n")
    return "\n\n\n" + "\n\n\n".join([blocks[0], *reversed(blocks[1:])]) + "\n"


def test_baseline_accepts_old_findings_even_when_moved(here: Path, cli: Cli) -> None:
    old = write(here / "news" / "old.txt", STORY)
    code, out, err = check(cli, "--write-baseline", "baseline.json", "news")
    assert (code, out) == (0, "") and "Wrote 3 findings" in err
    data = json.loads((here / "baseline.json").read_text("utf-8"))
    assert data["schema"] == "hygiene-baseline/1" and len(data["fingerprints"]) == 3
    assert check(cli, "--baseline", "baseline.json", "news")[:2] == (0, "")

    write(old, shuffled(STORY))
    assert check(cli, "news")[0] == 1  # the findings are still there...
    assert check(cli, "--baseline", "baseline.json", "news")[:2] == (0, "")  # ...and known

    write(old, shuffled(STORY).replace(PARAGRAPHS[1], PARAGRAPHS[1] + "\n\n" + FOLLOW))
    code, out, _ = check(cli, "--baseline", "baseline.json", "news")
    assert code == 1 and [(p, c) for p, _, c in found(out)] == [("news/old.txt", "HY105")]
    line = found(out)[0][1]
    assert old.read_text("utf-8").split("\n")[line - 1] == FOLLOW

    write(old, STORY)
    write(here / "news" / "new.txt", OTHER)
    code, out, _ = check(cli, "--baseline", "baseline.json", "news")
    assert (code, found(out)) == (1, [("news/new.txt", 3, "HY101"), ("news/new.txt", 9, "HY105")])


def test_baseline_from_config_is_relative_to_the_config_file(
    here: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    write(here / "news" / "old.txt", STORY)
    assert check(cli, "--write-baseline", "baseline.json", "news")[0] == 0
    write(here / "hygiene.toml", 'baseline = "baseline.json"\n')
    assert check(cli, "news")[:2] == (0, "")
    monkeypatch.chdir(here / "news")
    assert check(cli, "old.txt")[:2] == (0, "")
    write(here / "news" / "new.txt", OTHER)
    assert check(cli, "old.txt", "new.txt")[0] == 1
    bad = check(cli, "--baseline", "missing.json", "old.txt")
    assert bad[0] == 2 and "missing.json" in bad[2]


# --- diff and fix ------------------------------------------------------------------------


def test_diff_prints_a_unified_diff_and_changes_nothing(here: Path, cli: Cli) -> None:
    path = write(here / "story.txt", STORY)
    before = path.read_bytes()
    code, out, _ = check(cli, "--diff", "story.txt")
    assert code == 1
    assert path.read_bytes() == before
    lines = out.splitlines()
    assert lines[:2] == ["--- a/story.txt", "+++ b/story.txt"]
    assert any(line.startswith("@@ -") for line in lines)
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
    assert {BYLINE, CAPTION, NEWSLETTER} <= set(removed)
    assert not any(p in line for p in PARAGRAPHS for line in removed)
    assert not any(line.startswith("+") and not line.startswith("+++") for line in lines)


def test_fix_rewrites_the_file(here: Path, cli: Cli) -> None:
    path = write(here / "story.txt", STORY)
    path.chmod(0o640)
    code, out, err = check(cli, "--fix", "story.txt")
    assert (code, out) == (0, "") and "story.txt: fixed 3 finding(s)" in err
    text = path.read_text("utf-8")
    assert BYLINE not in text and CAPTION not in text and NEWSLETTER not in text
    assert text == "\n\n".join([HEADLINE, *PARAGRAPHS, CLOSING]) + "\n"
    assert [p.name for p in here.iterdir()] == ["story.txt"]  # no temp files left
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert check(cli, "story.txt")[:2] == (0, "")


def test_fix_keeps_findings_it_cannot_fix(here: Path, cli: Cli) -> None:
    write(here / "story.txt", STORY)
    write(here / "copy.txt", STORY)
    code, out, _ = check(cli, "--fix", "story.txt", "copy.txt")
    assert (code, found(out)) == (1, [("story.txt", 1, "HY311")])
    assert check(cli, "--ignore", "HY311", "story.txt", "copy.txt")[:2] == (0, "")
