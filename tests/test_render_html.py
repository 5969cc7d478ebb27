"""The HTML report: in a real browser (headless Chromium) and as plain HTML."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections import defaultdict
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from hygiene.cli import main
from hygiene.corpus.neardup import Cluster
from hygiene.document import Document, FileResult
from hygiene.findings import Finding
from hygiene.render import html as html_render
from hygiene.render.html import render_html
from hygiene.render.html_views import split_spans
from hygiene.report import Report
from hygiene.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
GLOBS = ["--glob", "*.txt", "--glob", "*.md", "--glob", "*.jsonl"]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--virtual-time-budget=5000",
]

Marks = dict[str, list[tuple[str, list[int], str]]]  # doc id -> (codes, finding indices, text)


# --- helpers ----------------------------------------------------------------------------


class MarkParser(HTMLParser):
    """Collects the finding highlights of each file (<details class="file" data-id>)."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: Marks = defaultdict(list)
        self.files: list[str] = []
        self.doc: str | None = None
        self.mark: tuple[str, list[int]] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "details" and "file" in (a.get("class") or "").split():
            self.doc = a["data-id"]
            self.files.append(str(self.doc))
        elif tag == "mark" and a.get("data-code") is not None:
            self.mark = (str(a["data-code"]), [int(i) for i in str(a["data-f"]).split()])
            self.text = []

    def handle_data(self, data: str) -> None:
        if self.mark is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self.mark is not None:
            assert self.doc is not None
            self.marks[self.doc].append((*self.mark, "".join(self.text)))
            self.mark = None
        elif tag == "details":
            self.doc = None


ASSETS = "".join(
    (resources.files("hygiene.render") / "assets" / name).read_text(encoding="utf-8")
    for name in ("report.css", "report.js")
)


def parse_marks(page: str) -> MarkParser:
    parser = MarkParser()
    parser.feed(page)
    parser.close()
    return parser


def corpus_texts() -> dict[str, str]:
    """doc id (path, or path#record id) -> text as stored."""
    texts: dict[str, str] = {}
    for path in sorted(CORPUS.iterdir()):
        if path.suffix == ".jsonl":
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    texts[f"{path}#{record['id']}"] = record["text"]
        else:
            texts[str(path)] = path.read_bytes().decode("utf-8")
    return texts


def doc_id(entry: dict[str, Any]) -> str:
    return f"{entry['path']}#{entry['id']}" if "id" in entry else str(entry["path"])


def assert_marks_match(marks: Marks, report: dict[str, Any], texts: dict[str, str]) -> None:
    """Every finding of the JSON report is highlighted, exactly over its text."""
    flagged = [f for f in report["files"] if f["findings"]]
    assert set(marks) == {doc_id(f) for f in flagged}
    for entry in flagged:
        key = doc_id(entry)
        # The browser's parser turns CR LF into LF; the fixtures have none.
        text = texts[key]
        codes = {c for m in marks[key] for c in m[0].split()}
        assert codes == {f["code"] for f in entry["findings"]}, key
        for k, finding in enumerate(entry["findings"]):
            shown = "".join(t for _, idxs, t in marks[key] if k in idxs)
            assert shown == text[finding["start"] : finding["end"]], (key, finding)
            assert all(finding["code"] in c.split() for c, idxs, _ in marks[key] if k in idxs)
        indices = {i for m in marks[key] for i in m[1]}
        assert indices == set(range(len(entry["findings"]))), key


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is required in CI (apt-get install chromium)")
    pytest.skip("chromium is not installed")


def run_chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "chromium-profile"
    return subprocess.run(
        [chromium_path(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def cli_report(tmp: Path, fmt: str, *extra: str) -> Path:
    out = tmp / f"report.{fmt}"
    code = main(["report", "--format", fmt, *GLOBS, *extra, str(CORPUS), "-o", str(out)])
    assert code == 0
    return out


def finding(code: str, text: str, start: int, end: int, message: str = "why") -> Finding:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    end_line = text.count("\n", 0, end) + 1
    return Finding(code, RULES[code].category, start, end, line, column, end_line, 0.9, message)


def result(doc_id_: str, text: str, spans: list[tuple[str, int, int]]) -> FileResult:
    doc = Document(id=doc_id_, path=doc_id_, text=text)
    found = [finding(code, text, s, e) for code, s, e in spans]
    return FileResult(doc, sorted(found, key=Finding.sort_key))


def data_block(page: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="hy-data">(.*?)</script>', page, re.S)
    assert m, "no JSON data block"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


# --- in a browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The HTML and JSON reports of the bundled corpus, default embedder."""
    tmp = tmp_path_factory.mktemp("html")
    page = cli_report(tmp, "html")
    data = json.loads(cli_report(tmp, "json").read_text("utf-8"))
    return page, data


def test_browser_screenshot_is_a_real_png(
    corpus_report: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    page, _ = corpus_report
    shot = tmp_path / "shot.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 30_000  # a blank page of that size compresses to a few KB


def test_browser_dom_highlights_every_finding(
    corpus_report: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    page, data = corpus_report
    dom = run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert '<html lang="en" class="js">' in dom  # the script ran
    parsed = parse_marks(dom)
    assert_marks_match(parsed.marks, data, corpus_texts())
    assert "1–11 of 11 files" in dom


def test_browser_builds_later_pages_like_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages after the first are built by the script from the JSON block."""
    monkeypatch.setattr(html_render, "PAGE_SIZE", 4)
    page = cli_report(tmp_path, "html", "--embedder", "none")
    data = json.loads(cli_report(tmp_path, "json", "--embedder", "none").read_text("utf-8"))
    marks: Marks = {}
    seen: list[str] = []
    for number in (1, 2, 3):
        dom = run_chromium(tmp_path, "--dump-dom", f"{page.as_uri()}#page={number}").stdout
        parsed = parse_marks(dom)
        assert len(parsed.files) == (4 if number < 3 else 3)
        assert f"page {number} of 3" in dom
        seen += parsed.files
        marks.update(parsed.marks)
    assert len(set(seen)) == 11
    assert_marks_match(marks, data, corpus_texts())


# --- plain HTML -------------------------------------------------------------------------


def test_first_page_is_plain_html(tmp_path: Path) -> None:
    """Without scripts, the summary and the first page of files are there."""
    page = cli_report(tmp_path, "html", "--embedder", "none").read_text("utf-8")
    data = json.loads(cli_report(tmp_path, "json", "--embedder", "none").read_text("utf-8"))
    assert_marks_match(parse_marks(page).marks, data, corpus_texts())
    for section in ("summary", "files", "clusters", "thresholds", "errors"):
        assert f'id="{section}"' in page
    assert "near-duplicate-threshold" in page


def test_untrusted_text_is_escaped() -> None:
    evil = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
    text = f"Headline\n{evil}\nStory text.\n"
    start = text.index(evil)
    docs = [
        result('a"<b>.txt', text, [("HY105", start, start + len(evil))]),
        result("c.txt", text, [("HY105", start, start + len(evil))]),
    ]
    page = render_html(Report(files=docs), page_size=1)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x" in page
    assert 'data-id="a&quot;&lt;b&gt;.txt"' in page
    assert page.count("<script") == 2  # the JSON block and the page's own script
    data = data_block(page)  # the second file is only in the JSON, intact
    later = data["files"][1]
    assert later["id"] == "c.txt" and "".join(p[0] for p in later["v"][0][2]) == text
    assert "</script" not in page.split('id="hy-data">')[1].split("</script>")[0]


def test_overlapping_findings_become_flat_segments() -> None:
    text = "0123456789abcdef"
    res = result("x.txt", text, [("HY101", 0, 10), ("HY104", 2, 5), ("HY301", 4, 8)])
    pieces = split_spans(res.findings, 0, len(text))
    assert pieces == [
        (0, 2, (0,)),
        (2, 4, (0, 1)),
        (4, 5, (0, 1, 2)),
        (5, 8, (0, 2)),
        (8, 10, (0,)),
        (10, 16, ()),
    ]
    page = render_html(Report(files=[res]))
    marks = parse_marks(page).marks["x.txt"]
    assert [(c, i, t) for c, i, t in marks][2] == ("HY101 HY104 HY301", [0, 1, 2], "4")
    assert 'class="hy cat-boilerplate cat-duplicate nest"' in page
    for k, f in enumerate(res.findings):
        assert "".join(t for _, idxs, t in marks if k in idxs) == text[f.start : f.end]


def test_file_list_is_paginated_over_a_json_block() -> None:
    files = [
        result(f"f{i:02}.txt", "x" * 50 + "\nbody\n", [("HY102", 0, i + 1)]) for i in range(60)
    ]
    page = render_html(Report(files=files))
    data = data_block(page)
    assert data["pageSize"] == 25 and len(data["files"]) == 60
    assert [e["id"] for e in data["files"][:2]] == ["f59.txt", "f58.txt"]  # most flagged first
    assert all("v" not in e for e in data["files"][:25])  # written as HTML already
    assert all(e["v"] and e["r"] for e in data["files"][25:])
    assert len(parse_marks(page).files) == 25
    assert "35 more flagged files" in page and 'id="hy-next"' in page


def test_large_corpus_stays_small_and_fast() -> None:
    """10k documents: per-folder chart, text under budget, a few MB, a few seconds."""
    para = "The council met on Tuesday to discuss the budget for the coming year. " * 20
    files = []
    for i in range(10_000):
        text = f"Headline {i}\nBy Staff Writer\n{para}\nSubscribe to our newsletter!\n"
        byline = text.index("By Staff")
        sub = text.index("Subscribe")
        doc = Document(
            id=f"src{i % 40}/doc{i:05}.txt", path=f"src{i % 40}/doc{i:05}.txt", text=text
        )
        found = [finding("HY101", text, byline, byline + 15), finding("HY105", text, sub, sub + 28)]
        files.append(FileResult(doc, found if i % 10 else []))
    clusters = [
        Cluster(
            k,
            [f"src0/doc{k:05}.txt", f"src1/doc{k + 1:05}.txt"],
            f"src0/doc{k:05}.txt",
            {f"src0/doc{k:05}.txt": 1.0, f"src1/doc{k + 1:05}.txt": 0.9},
        )
        for k in range(0, 2000, 2)
    ]
    report = Report(files=files, clusters=clusters, thresholds={"keep": "first-path"})
    began = time.perf_counter()
    page = render_html(report)
    elapsed = time.perf_counter() - began
    assert elapsed < 10
    assert len(page.encode("utf-8")) < 4_000_000
    assert "Flagged share per source folder (40 folders)" in page
    assert "Files by flagged share" in page
    assert "counts only for" in page and "1,000 files without findings are not listed" in page
    data = data_block(page)
    assert len(data["files"]) == 9_000
    assert {e["t"] for e in data["files"]} == {"full", "snippets", "none"}
    assert "more clusters not listed" in page


def test_excerpts_when_full_text_is_over_budget() -> None:
    text = "".join(f"Paragraph {i} of the story goes on for a while.\n" for i in range(200))
    start = text.index("Paragraph 150")
    res = result("long.txt", text, [("HY105", start, start + 13), ("HY101", 0, 11)])
    page = render_html(Report(files=[res]), text_budget=0)
    assert "Excerpts around each finding" in page and "characters not shown" in page
    marks = parse_marks(page).marks["long.txt"]
    assert [t for _, _, t in marks] == ["Paragraph 0", "Paragraph 150"]
    assert 'data-line="148"' in page or 'data-line="149"' in page


def test_clusters_side_by_side_with_shared_text_marked() -> None:
    shared = "the port workers walked out at dawn after eleven weeks of talks"
    kept = Document(id="a.txt", path="a.txt", text=f"{shared}. Wire copy.")
    copy = Document(id="b.txt", path="b.txt", text=f"LOCAL PAPER\n{shared}. Extra quote here.")
    similarity = {"a.txt": 1.0, "b.txt": 0.8, "archive/c.txt": 0.85}
    cluster = Cluster(0, ["a.txt", "b.txt", "archive/c.txt"], "a.txt", similarity)
    report = Report(files=[FileResult(kept, []), FileResult(copy, [])], clusters=[cluster])
    page = render_html(report)
    section = page.split('id="clusters"')[1].split("</section>")[0]
    assert section.count(f'<mark class="shared">{shared}</mark>') == 2
    assert "LOCAL PAPER" in section and '<mark class="shared">LOCAL' not in section
    assert "Not in this run" in section  # a member from the archive index
    assert "lowest similarity to the kept copy: 0.80" in section


def test_self_contained_and_deterministic() -> None:
    text = "See https://example.com/x for more.\nStory.\n"
    res = result("u.txt", text, [("HY105", 0, 35)])
    report = Report(files=[res], thresholds={"select": [], "near-duplicate-threshold": 0.25})
    page = render_html(report)
    assert page == render_html(report)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:)?//""", page, re.I)
    assert not re.search(r"https?:|@import|url\(", ASSETS)
    assert "https://example.com/x" in page  # shown as text, never as a link
