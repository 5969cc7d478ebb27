"""hygiene report's human formats: text (with --statistics and colour) and markdown."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from hygiene.cli import main
from hygiene.document import Document, FileResult, ReadError
from hygiene.findings import Category, Finding, Span
from hygiene.render.markdown import code as code_span
from hygiene.render.markdown import render_markdown
from hygiene.render.text import render_text
from hygiene.report import Report
from hygiene.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
NEARDUP = ROOT / "fixtures" / "neardup"
FAST = ["--embedder", "none", "--index", "none"]
ANSI = "\x1b["
FINDING_LINE = re.compile(r"^ +(\d+):(\d+)  (HY\d{3})  ")
# A table cell boundary in markdown: a pipe not escaped with a backslash.
CELL_PIPE = re.compile(r"(?<!\\)\|")
STORY = (
    "Storm hits the coast\n\n"
    "The storm hit the coast on Monday, knocking out power to thousands of homes "
    "across the region.\n\n"
    "Tags: a | b | `c`\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def as_json(capsys: pytest.CaptureFixture[str], *paths: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        run(capsys, "report", "--format", "json", *FAST, *map(str, paths))[1]
    )
    return data


def doc_id(entry: dict[str, Any]) -> str:
    return f"{entry['path']}#{entry['id']}" if "id" in entry else str(entry["path"])


def blocks(out: str) -> dict[str, list[str]]:
    """The text report cut at each file header: a line naming a file, unindented."""
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in out.splitlines():
        if line and not line.startswith(" ") and ("/" in line) and not line.startswith("error"):
            current = found.setdefault(line, [])
        elif line:
            current.append(line)
    return found


def tagged_story(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(STORY, "utf-8")
    return path


def finding(start: int, end: int, code: str = "HY101", message: str = "a byline") -> Finding:
    rule = RULES[code]
    return Finding(code, rule.category, start, end, 1, 1, 1, 0.9, message, Span(start, end))


def small_report() -> Report:
    doc = Document(id="a.txt", path="a.txt", text="By Jane Roe\nStory.\n")
    clean = Document(id="b.txt", path="b.txt", text="Clean.\n")
    return Report(
        files=[FileResult(doc, [finding(0, 11)]), FileResult(clean, [])],
        errors=[ReadError("bad.bin", "binary file")],
    )


# --- text -----------------------------------------------------------------------------------


def test_text_groups_findings_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    data = as_json(capsys, CORPUS)
    code, out = run(capsys, "report", *FAST, str(CORPUS))
    assert code == 0
    by_file = blocks(out)
    expected = {doc_id(e): e["findings"] for e in data["files"] if e["findings"]}
    assert list(by_file) == list(expected)  # the same files, in report order
    for name, findings in expected.items():
        lines = by_file[name]
        n = len(findings)
        assert lines[0].startswith(f"  {n} finding{'s' * (n != 1)} (")
        assert re.search(r", \d+\.\d% flagged$", lines[0])
        rows = [m.groups() for m in map(FINDING_LINE.match, lines) if m]
        assert rows == [(str(f["line"]), str(f["column"]), f["code"]) for f in findings]
        snippets = [line for line in lines if line.startswith(" " * 10 + "| ")]
        assert len(snippets) == n


def test_text_finding_line_has_rule_name_score_message_and_snippet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, out = run(capsys, "report", *FAST, str(tagged_story(tmp_path)))
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if FINDING_LINE.match(line))
    assert re.fullmatch(r" +5:1  HY107  tag-list  \d\.\d\d  \S.*", lines[i])
    assert lines[i + 1] == " " * 10 + "| Tags: a | b | `c`"


def test_text_summary_table_matches_json_summary(capsys: pytest.CaptureFixture[str]) -> None:
    data = as_json(capsys, CORPUS)
    summary = data["summary"]
    _, out = run(capsys, "report", *FAST, str(CORPUS))
    table = out[out.index("\nSummary\n") :].splitlines()
    assert table[2].split() == ["code", "count", "files", "rule", "category", "severity"]
    files_per_rule = Counter(
        code for e in data["files"] for code in {f["code"] for f in e["findings"]}
    )
    rows = {line.split()[0]: line.split() for line in table if re.match(r"  HY\d{3} ", line)}
    assert {code: int(row[1]) for code, row in rows.items()} == summary["by_rule"]
    for code, row in rows.items():
        rule = RULES[code]
        assert row[2:] == [str(files_per_rule[code]), rule.name, rule.category.value, rule.severity]
    # Counts are right-aligned under their headings.
    body = table[2 : table.index("", 2)]
    assert len({re.match(r"  \S+ +\S+ +\S+", line).end() for line in body}) == 1  # type: ignore[union-attr]
    total = next(line for line in table if line.startswith("  total")).split()
    assert total == ["total", str(summary["findings"]), str(summary["files_with_findings"])]
    share = f"{summary['flagged_share'] * 100:.1f}%"
    assert table[-1] == (
        f"{summary['files']} files, {summary['files_with_findings']} with findings, "
        f"{summary['findings']} findings, {share} of characters flagged, 0 errors"
    )


def test_text_lists_clusters_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = as_json(capsys, NEARDUP)
    (cluster,) = data["clusters"]
    missing = tmp_path / "missing.txt"
    code, out = run(capsys, "report", *FAST, str(NEARDUP), str(missing))
    assert code == 2
    lines = out.splitlines()
    start = lines.index("Near-duplicate clusters")
    n = len(cluster["members"])
    assert lines[start + 1] == (
        f"  cluster 0: {n} documents, lowest similarity {cluster['similarity']:.2f}"
    )
    listed = lines[start + 2 : start + 2 + n]
    assert listed == [
        f"    {'kept' if m == cluster['kept'] else 'dup '}  {m}" for m in cluster["members"]
    ]
    assert f"error: {missing}: no such file or directory" in lines


def test_text_without_findings_still_summarises(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text(STORY.replace("Tags: a | b | `c`\n", ""), "utf-8")
    _, out = run(capsys, "report", *FAST, str(clean))
    assert (
        out
        == "Summary\n1 files, 0 with findings, 0 findings, 0.0% of characters flagged, 0 errors\n"
    )


def test_text_colour_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    report = small_report()
    assert ANSI not in render_text(report, color=False)
    assert ANSI not in render_text(report, color=False, statistics=True)
    coloured = render_text(report, color=True)
    assert "\x1b[1ma.txt\x1b[0m" in coloured
    assert "\x1b[31merror: bad.bin: binary file\x1b[0m" in coloured
    assert ANSI in render_text(report, color=True, statistics=True)
    # Colour codes wrap padded text, so stripping them gives the plain report back.
    assert re.sub(r"\x1b\[\d+m", "", coloured) == render_text(report, color=False)


@pytest.mark.parametrize("value", ["1", "yes"])
def test_text_honours_no_color(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("NO_COLOR", value)
    assert ANSI not in render_text(small_report(), color=True)
    assert ANSI not in render_text(small_report(), color=True, statistics=True)


def test_empty_no_color_does_not_disable_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "")  # the convention: only a non-empty value counts
    assert ANSI in render_text(small_report(), color=True)


def test_cli_text_to_a_pipe_has_no_colour(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, "report", *FAST, str(CORPUS))
    assert ANSI not in out


def test_statistics_counts_per_rule_and_nothing_per_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = as_json(capsys, NEARDUP)
    summary = data["summary"]
    _, out = run(capsys, "report", "--statistics", *FAST, str(NEARDUP))
    lines = out.splitlines()
    rows = [re.fullmatch(r" *(\d+)  (HY\d{3})  (\[\*\]|   ) (\S+)", line) for line in lines[:-2]]
    assert all(rows), out
    counts = {m[2]: int(m[1]) for m in rows if m}
    assert counts == summary["by_rule"]
    assert [int(m[1]) for m in rows if m] == sorted(counts.values(), reverse=True)
    for m in rows:
        assert m is not None
        assert m[4] == RULES[m[2]].name
        assert (m[3] == "[*]") == RULES[m[2]].fixable
    assert "[*]" not in next(line for line in lines if "HY311" in line)
    assert lines[-2] == (
        f"Found {summary['findings']} findings in {summary['files_with_findings']} of "
        f"{summary['files']} files, {summary['flagged_share'] * 100:.1f}% of characters "
        "flagged, 0 errors."
    )
    fixable = sum(n for c, n in counts.items() if RULES[c].fixable)
    assert lines[-1].startswith(f"[*] {fixable} fixable with ")
    assert str(NEARDUP) not in out and "| " not in out and "Near-duplicate" not in out


# --- markdown -------------------------------------------------------------------------------


def table_rows(section: str) -> list[list[str]]:
    """The cells of each body row of the pipe tables in a piece of markdown."""
    rows = []
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            rows.append([cell.strip() for cell in CELL_PIPE.split(line)[1:-1]])
    return rows


def markdown_of(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    return run(capsys, "report", "--format", "markdown", *FAST, *args)[1]


def test_markdown_summary_and_rule_table(capsys: pytest.CaptureFixture[str]) -> None:
    summary = as_json(capsys, CORPUS)["summary"]
    out = markdown_of(capsys, str(CORPUS))
    head = out.partition("\n## Findings\n")[0]
    assert head.startswith("# Hygiene report\n\n")
    assert f"{summary['findings']} findings in {summary['files_with_findings']} of " in head
    rows = table_rows(head)
    assert rows[0] == ["Code", "Count", "Files", "Rule", "Category", "Severity"]
    counts = {row[0]: int(row[1]) for row in rows[1:-1]}
    assert counts == summary["by_rule"]
    assert rows[-1][:3] == [
        "**Total**",
        f"**{summary['findings']}**",
        f"**{summary['files_with_findings']}**",
    ]


def test_markdown_row_per_finding_in_a_details_block_per_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = as_json(capsys, CORPUS)
    out = markdown_of(capsys, str(CORPUS))
    sections = out.split("<details>\n")[1:]
    expected = [e for e in data["files"] if e["findings"]]
    assert len(sections) == len(expected)
    for section, entry in zip(sections, expected, strict=True):
        summary_line = section.splitlines()[0]
        assert summary_line.startswith(f"<summary><code>{doc_id(entry)}</code>: ")
        assert section.rstrip().endswith("</details>")
        rows = table_rows(section)
        assert rows[0] == ["Line", "Rule", "Category", "Message", "Flagged text"]
        assert [(r[0], r[1].split()[0], r[2]) for r in rows[1:]] == [
            (f"{f['line']}:{f['column']}", f["code"], f["category"]) for f in entry["findings"]
        ]


def test_markdown_escapes_pipes_and_backticks_in_flagged_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = markdown_of(capsys, str(tagged_story(tmp_path)))
    (row,) = [line for line in out.splitlines() if line.startswith("| 5:1 ")]
    assert row.endswith("| `` Tags: a \\| b \\| `c` `` |")
    assert len(table_rows(row)[0]) == 5  # the pipes of the text did not open new cells


@pytest.mark.parametrize(
    ("flagged", "expected"),
    [
        ("plain", "`plain`"),
        ("a | b", "`a \\| b`"),
        ("one `tick`", "`` one `tick` ``"),
        ("run ``of`` two", "```run ``of`` two```"),
        ("`edge", "`` `edge ``"),
        ("two\nlines\r\n", "`two lines`"),
    ],
)
def test_code_span(flagged: str, expected: str) -> None:
    assert code_span(flagged) == expected


def test_markdown_escapes_other_cells() -> None:
    text = "Headline\nSee <b>this</b> | *now*\n"
    doc = Document(id="x|`y`.txt", path="x|`y`.txt", text=text)
    message = "a | b <script>\nsecond *line*"
    report = Report(files=[FileResult(doc, [finding(9, len(text) - 1, "HY105", message)])])
    out = render_markdown(report)
    (row,) = [line for line in out.splitlines() if line.startswith("| 1:1 ")]
    cells = table_rows(row)[0]
    assert len(cells) == 5
    assert cells[3] == "a \\| b \\<script\\> second \\*line\\*"
    assert cells[4] == "`See <b>this</b> \\| *now*`"
    assert "<summary><code>x|`y`.txt</code>: " in out


def test_markdown_clusters_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (cluster,) = as_json(capsys, NEARDUP)["clusters"]
    missing = tmp_path / "missing.txt"
    out = markdown_of(capsys, str(NEARDUP), str(missing))
    clusters = out[out.index("## Near-duplicate clusters") : out.index("## Errors")]
    rows = table_rows(clusters)
    assert rows[0] == ["Cluster", "Documents", "Lowest similarity", "Kept", "Near-duplicates"]
    others = [f"`{m}`" for m in cluster["members"] if m != cluster["kept"]]
    assert rows[1] == [
        "0",
        str(len(cluster["members"])),
        f"{cluster['similarity']:.2f}",
        f"`{cluster['kept']}`",
        "<br>".join(others),
    ]
    errors = out[out.index("## Errors") :]
    assert errors.startswith("## Errors (1 file not read)\n")
    assert table_rows(errors)[1] == [f"`{missing}`", "no such file or directory"]


def test_markdown_statistics_is_only_the_counts(capsys: pytest.CaptureFixture[str]) -> None:
    full = markdown_of(capsys, str(NEARDUP))
    out = markdown_of(capsys, "--statistics", str(NEARDUP))
    assert full.startswith(out.rstrip("\n") + "\n\n## Findings\n")
    assert "<details>" not in out and "## " not in out and str(NEARDUP) not in out


def test_markdown_of_a_clean_report() -> None:
    doc = Document(id="a.txt", path="a.txt", text="Clean.\n")
    out = render_markdown(Report(files=[FileResult(doc, [])]))
    assert out == (
        "# Hygiene report\n\n"
        "0 findings in 0 of 1 file, 0.0% of characters flagged, 0 errors.\n\n"
        "No findings.\n"
    )


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("stats", [[], ["--statistics"]])
def test_output_is_deterministic_without_trailing_whitespace(
    capsys: pytest.CaptureFixture[str], fmt: str, stats: list[str]
) -> None:
    args = ["report", "--format", fmt, *stats, *FAST, str(CORPUS), str(NEARDUP)]
    _, out = run(capsys, *args)
    assert out == run(capsys, *args)[1]
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert all(line == line.rstrip() for line in out.splitlines())


def test_categories_in_file_header_follow_rule_order() -> None:
    text = "Headline\nBy Jane Roe\nStory.\nStory.\n"
    doc = Document(id="a.txt", path="a.txt", text=text)
    found = [finding(9, 20), finding(28, 34, "HY301", "repeats line 3")]
    assert found[1].category is Category.DUPLICATE
    out = render_text(Report(files=[FileResult(doc, found)]))
    assert f"\n  2 findings (1 boilerplate, 1 duplicate), {17 / 35:.1%} flagged\n" in out
