"""Tests for hygiene.decide, hygiene.report and hygiene.render."""

from __future__ import annotations

import json

import pytest

from hygiene.decide import resolve, select
from hygiene.document import Document, FileResult, ReadError
from hygiene.findings import Category, Finding, Span
from hygiene.render import FORMATS, render
from hygiene.report import SCHEMA, Report

B, D = Category.BOILERPLATE, Category.DUPLICATE


def finding(
    start: int,
    end: int,
    code: str = "HY101",
    category: Category = B,
    score: float = 0.9,
    line: int = 1,
    column: int = 1,
    message: str = "a byline",
) -> Finding:
    return Finding(code, category, start, end, line, column, line, score, message, Span(start, end))


def spans(findings: list[Finding]) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.code) for f in findings]


# --- decide ---------------------------------------------------------------------------------


def test_resolve_drops_a_finding_inside_another() -> None:
    outer = finding(0, 20, "HY104")
    inner = finding(5, 10, "HY102")
    assert resolve([inner, outer]) == [outer]


def test_resolve_drops_a_finding_sharing_a_start_or_an_end() -> None:
    outer = finding(10, 30, "HY104")
    assert resolve([finding(10, 15, "HY102"), outer, finding(25, 30, "HY103")]) == [outer]


def test_resolve_prefers_the_duplicate_category_among_equal_spans() -> None:
    furniture = finding(10, 20, "HY104", B, score=0.99)
    repeated = finding(10, 20, "HY301", D, score=0.5)
    assert resolve([furniture, repeated]) == [repeated]
    assert resolve([repeated, furniture]) == [repeated]


def test_resolve_among_equal_spans_and_categories_prefers_the_higher_score() -> None:
    low = finding(0, 5, "HY101", score=0.6)
    high = finding(0, 5, "HY108", score=0.8)
    assert resolve([low, high]) == [high]


def test_resolve_keeps_partial_overlaps_and_sorts() -> None:
    a, b, c = finding(20, 30, "HY102"), finding(0, 12, "HY101"), finding(10, 25, "HY103")
    assert spans(resolve([a, b, c])) == [(0, 12, "HY101"), (10, 25, "HY103"), (20, 30, "HY102")]


def test_resolve_nothing() -> None:
    assert resolve([]) == []


CODES = ["HY101", "HY104", "HY108", "HY301"]


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        ((), (), CODES),
        (("HY1",), (), ["HY101", "HY104", "HY108"]),
        (("hy3",), (), ["HY301"]),
        (("HY104", "HY3"), (), ["HY104", "HY301"]),
        ((), ("HY108",), ["HY101", "HY104", "HY301"]),
        (("HY1",), ("HY10",), []),
        (("HY1",), ("hy104",), ["HY101", "HY108"]),
        (("HY2",), (), []),
    ],
)
def test_select(include: tuple[str, ...], exclude: tuple[str, ...], expected: list[str]) -> None:
    findings = [finding(i, i + 1, code) for i, code in enumerate(CODES)]
    assert [f.code for f in select(findings, include, exclude)] == expected


# --- report ---------------------------------------------------------------------------------

STORY = "Headline\nBy Jane Roe\nStory text goes here.\nComments\n"  # 52 characters


@pytest.fixture
def report() -> Report:
    story = Document(id="a.txt", path="a.txt", text=STORY)
    clean = Document(id="b.txt", path="b.txt", text="Nothing to flag here.\n" * 2)
    record = Document(
        id="wire.jsonl#r1",
        path="wire.jsonl",
        text="Advertisement\nStory.",
        relpath="wire.jsonl",
        record_line=3,
        record={"id": "r1", "text": "Advertisement\nStory."},
    )
    byline = finding(9, 20, "HY101", line=2)  # "By Jane Roe"
    overlapping = finding(15, 30, "HY104", line=2, column=7, message="a photo credit")
    comments = finding(43, 51, "HY106", line=4, message="a comment widget")
    files = [
        FileResult(story, [byline, overlapping, comments]),
        FileResult(clean, []),
        FileResult(record, [finding(0, 13, "HY108", message="a navigation label")]),
    ]
    return Report(files, [ReadError("bad.bin", "binary file (control bytes found), not text")])


def test_report_collects_files_and_errors(report: Report) -> None:
    assert [r.doc.path for r in report.files] == ["a.txt", "b.txt", "wire.jsonl"]
    assert [e.path for e in report.errors] == ["bad.bin"]
    assert report.n_findings == 4


def test_summary_counts(report: Report) -> None:
    assert len(STORY) == 52
    chars = 52 + 44 + 20
    # 9..30 once (two overlapping findings), 43..51, and 0..13 in the record.
    flagged = 21 + 8 + 13
    assert report.summary() == {
        "files": 3,
        "files_with_findings": 2,
        "findings": 4,
        "errors": 1,
        "by_rule": {"HY101": 1, "HY104": 1, "HY106": 1, "HY108": 1},
        "by_category": {"boilerplate": 4},
        "chars": chars,
        "chars_flagged": flagged,
        "flagged_share": round(flagged / chars, 4),
    }


def test_flagged_chars_counts_nested_and_repeated_findings_once() -> None:
    doc = Document(id="a.txt", path="a.txt", text="x" * 100)
    findings = [finding(0, 50), finding(0, 50), finding(10, 20), finding(40, 60), finding(90, 95)]
    assert FileResult(doc, findings).flagged_chars == 65


def test_empty_report_summary() -> None:
    summary = Report().summary()
    assert (summary["files"], summary["chars"], summary["flagged_share"]) == (0, 0, 0.0)


def test_to_json(report: Report) -> None:
    data = report.to_json()
    assert list(data) == ["schema", "files", "clusters", "errors", "summary"]
    assert data["schema"] == SCHEMA == "hygiene/1"
    assert data["clusters"] == []
    assert data["errors"] == [
        {"path": "bad.bin", "message": "binary file (control bytes found), not text"}
    ]
    assert data["summary"] == report.summary()
    files = data["files"]
    assert isinstance(files, list)
    # Every file is listed, with an empty list when clean.
    assert [f["path"] for f in files] == ["a.txt", "b.txt", "wire.jsonl"]
    assert files[1] == {"path": "b.txt", "findings": []}
    assert files[2]["id"] == "r1"
    assert files[2]["record_line"] == 3
    assert files[0]["findings"][0] == {
        "code": "HY101",
        "category": "boilerplate",
        "start": 9,
        "end": 20,
        "line": 2,
        "column": 1,
        "end_line": 2,
        "score": 0.9,
        "message": "a byline",
        "fix": {"start": 9, "end": 20},
    }


def test_record_id_with_a_hash_in_the_path() -> None:
    doc = Document(
        id="issue#3/wire.jsonl#r1", path="issue#3/wire.jsonl", text="x", record_line=1, record={}
    )
    rep = Report(files=[FileResult(doc, [])])
    assert rep.to_json()["files"] == [
        {"path": "issue#3/wire.jsonl", "id": "r1", "record_line": 1, "findings": []}
    ]


def test_unfixable_finding_has_no_fix_key() -> None:
    f = Finding("HY101", B, 0, 3, 1, 1, 1, 0.123456, "m", None)
    assert "fix" not in f.to_json()
    assert f.to_json()["score"] == 0.1235


# --- render ---------------------------------------------------------------------------------


def test_json_render_is_deterministic(report: Report) -> None:
    first = render(report, "json")
    assert first == render(report, "json")
    assert first.endswith("}\n")
    assert json.loads(first) == json.loads(json.dumps(report.to_json()))


def test_json_is_written_a_file_at_a_time_with_the_bytes_of_one_dump(report: Report) -> None:
    from hygiene.render import chunks

    report.errors.append(ReadError("bad.bin", "binary file"))
    for rep in (report, Report()):
        whole = json.dumps(rep.to_json(), ensure_ascii=False, indent=2) + "\n"
        pieces = list(chunks(rep, "json"))
        assert "".join(pieces) == whole
        assert len(pieces) > len(rep.files)  # never the whole list in one piece
    assert len(list(chunks(report, "concise"))) == report.n_findings + len(report.errors)
    assert len(list(chunks(report, "text"))) > len([r for r in report.files if r.findings])


def test_json_render_keeps_non_ascii() -> None:
    doc = Document(id="café.txt", path="café.txt", text="Café “news”.\n")
    rep = Report(files=[FileResult(doc, [finding(0, 4, message="‘quoted’")])])
    out = render(rep, "json")
    assert "café.txt" in out and "‘quoted’" in out


def test_concise_render(report: Report) -> None:
    lines = render(report, "concise").splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("a.txt:2:1: HY101 a byline")
    assert lines[1].startswith("a.txt:2:7: HY104 a photo credit")
    assert lines[2].startswith("a.txt:4:1: HY106 a comment widget")
    assert lines[3].startswith("wire.jsonl#r1:1:1: HY108 a navigation label")
    assert lines[0] == "a.txt:2:1: HY101 a byline [byline]"
    assert lines[4] == "bad.bin: error: binary file (control bytes found), not text"


def test_concise_render_of_a_clean_report() -> None:
    doc = Document(id="a.txt", path="a.txt", text="Clean.\n")
    assert render(Report(files=[FileResult(doc, [])]), "concise") == ""


def test_text_render(report: Report) -> None:
    out = render(report, "text")
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert "a.txt" in lines
    assert "b.txt" not in out  # clean files are left out of the listing
    assert any(line.strip() == "| By Jane Roe" for line in lines)
    assert any(line.strip() == "| Advertisement" for line in lines)
    assert "error: bad.bin: binary file (control bytes found), not text" in lines
    share = 42 / 116 * 100
    assert (
        f"3 files, 2 with findings, 4 findings, {share:.1f}% of characters flagged, 1 errors"
        in (lines)
    )
    assert any(line.split()[:2] == ["HY101", "1"] for line in lines)


def test_text_render_snippet_is_one_line_and_short() -> None:
    text = "A caption that goes on and on\nacross a line break " + "and on " * 30 + "\n"
    doc = Document(id="a.txt", path="a.txt", text=text)
    rep = Report(files=[FileResult(doc, [finding(0, len(text) - 1, "HY104")])])
    (snippet,) = [line for line in render(rep, "text").splitlines() if "| " in line]
    body = snippet.split("| ", 1)[1]
    assert body.startswith("A caption that goes on and on across a line break and on")
    assert body.endswith("…")
    assert len(body) == 72


def test_text_render_with_color(report: Report) -> None:
    out = render(report, "text", color=True)
    assert "\x1b[1ma.txt\x1b[0m" in out
    assert "\x1b[0m" in out


def test_unknown_format() -> None:
    assert FORMATS == ("text", "json", "concise", "html", "sarif", "markdown")
    with pytest.raises(ValueError, match="unknown format"):
        render(Report(), "xml")
