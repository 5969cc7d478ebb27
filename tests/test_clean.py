"""Tests for hygiene.fix: removal planning, whitespace tidying and exact restoration."""

from __future__ import annotations

import random
import re

import pytest

from hygiene.document import Document
from hygiene.findings import Category, Finding, Span
from hygiene.fix import Removal, apply_removals, plan_removals, restore
from hygiene.segment import segment


def finding(start: int, end: int, code: str = "HY102") -> Finding:
    return Finding(
        code=code,
        category=Category.BOILERPLATE,
        start=start,
        end=end,
        line=1,
        column=1,
        end_line=1,
        score=0.9,
        message="m",
        fix=Span(start, end),
    )


def flag(text: str, *parts: str) -> list[Finding]:
    """Findings for the first occurrence of each part."""
    found = []
    for part in parts:
        start = text.index(part)
        found.append(finding(start, start + len(part)))
    return found


def check_removals(text: str, findings: list[Finding]) -> tuple[str, list[Removal]]:
    """Plan and apply; check the accounting every plan must satisfy."""
    removals = plan_removals(text, findings)
    prev_end = 0
    for r in removals:
        assert prev_end <= r.start < r.end <= len(text)
        assert r.text == text[r.start : r.end]
        prev_end = r.end
    cleaned = apply_removals(text, removals)
    assert restore(cleaned, removals) == text
    assert len(cleaned) == len(text) - sum(r.end - r.start for r in removals)
    # Every flagged character is removed.
    for f in findings:
        assert f.fix is not None
        for pos in range(f.fix.start, f.fix.end):
            assert any(r.start <= pos < r.end for r in removals), (f, pos)
    return cleaned, removals


def clean(text: str, *parts: str) -> str:
    return check_removals(text, flag(text, *parts))[0]


# --- whole lines ----------------------------------------------------------------------------


def test_removing_a_line_takes_its_newline() -> None:
    text = "Story starts.\nBy Jane Roe\nStory goes on.\n"
    cleaned, (removal,) = check_removals(text, flag(text, "By Jane Roe"))
    assert cleaned == "Story starts.\nStory goes on.\n"
    assert removal.text == "By Jane Roe\n"
    assert removal.finding.code == "HY102"


def test_removing_a_paragraph_between_blank_lines_leaves_one_blank_line() -> None:
    text = "First paragraph.\n\nAdvertisement\n\nSecond paragraph.\n"
    assert clean(text, "Advertisement") == "First paragraph.\n\nSecond paragraph.\n"


def test_removing_adjacent_lines_between_paragraphs() -> None:
    text = "First paragraph.\n\nBy Jane Roe\nUpdated 5 minutes ago\n\nSecond paragraph.\n"
    cleaned = clean(text, "By Jane Roe", "Updated 5 minutes ago")
    assert cleaned == "First paragraph.\n\nSecond paragraph.\n"


def test_removing_lines_separated_by_blank_lines() -> None:
    text = "First.\n\nAdvertisement\n\n\nShare this\n\nSecond.\n"
    assert clean(text, "Advertisement", "Share this") == "First.\n\nSecond.\n"


def test_removing_the_first_lines_leaves_no_leading_blank_line() -> None:
    text = "Skip to content\nMenu\n\nHeadline\n\nStory.\n"
    assert clean(text, "Skip to content") == "Menu\n\nHeadline\n\nStory.\n"
    assert clean(text, "Skip to content", "Menu") == "Headline\n\nStory.\n"


@pytest.mark.parametrize("final", ["\n", ""])
def test_removing_the_last_line_keeps_the_final_newline_convention(final: str) -> None:
    text = "Story.\n\nMore story.\n\nShare this article" + final
    assert clean(text, "Share this article") == "Story.\n\nMore story." + final


@pytest.mark.parametrize("final", ["\n", ""])
def test_removing_the_last_lines(final: str) -> None:
    text = "Story.\n\nTags: budget, council\nComments" + final
    assert clean(text, "Tags: budget, council", "Comments") == "Story." + final
    assert clean(text, "Comments") == "Story.\n\nTags: budget, council" + final


def test_trailing_blank_lines_go_with_the_last_line() -> None:
    text = "Story.\n\nComments\n\n\n"
    assert clean(text, "Comments") == "Story.\n"


def test_removing_everything() -> None:
    text = "Advertisement\n\nComments\n"
    assert clean(text, "Advertisement", "Comments") == ""


def test_one_line_without_newline() -> None:
    assert clean("Advertisement", "Advertisement") == ""


def test_indented_line_goes_with_its_indent() -> None:
    text = "Story.\n    Advertisement   \nMore.\n"
    assert clean(text, "Advertisement") == "Story.\nMore.\n"


# --- CRLF -----------------------------------------------------------------------------------


def test_crlf_whole_line() -> None:
    text = "First.\r\nBy Jane Roe\r\nSecond.\r\n"
    assert clean(text, "By Jane Roe") == "First.\r\nSecond.\r\n"


def test_crlf_between_paragraphs() -> None:
    text = "First.\r\n\r\nAdvertisement\r\n\r\nSecond.\r\n"
    assert clean(text, "Advertisement") == "First.\r\n\r\nSecond.\r\n"


@pytest.mark.parametrize("final", ["\r\n", ""])
def test_crlf_last_line(final: str) -> None:
    text = "Story.\r\n\r\nComments" + final
    assert clean(text, "Comments") == "Story." + final


def test_crlf_first_line() -> None:
    text = "Menu\r\n\r\nStory.\r\n"
    assert clean(text, "Menu") == "Story.\r\n"


# --- sentences inside a paragraph -----------------------------------------------------------


def test_sentence_in_the_middle_of_a_line() -> None:
    text = "The vote passed. Follow us on X. The mayor smiled.\n"
    assert clean(text, "Follow us on X.") == "The vote passed. The mayor smiled.\n"


def test_sentence_at_the_end_of_a_line() -> None:
    text = "The vote passed. Follow us on X.\nNext line.\n"
    assert clean(text, "Follow us on X.") == "The vote passed.\nNext line.\n"


def test_sentence_at_the_end_of_the_text() -> None:
    assert clean("The vote passed.  Follow us.", "Follow us.") == "The vote passed."


def test_sentence_at_the_start_of_a_line() -> None:
    text = "Intro.\nFollow us on X. The vote passed.\n"
    assert clean(text, "Follow us on X.") == "Intro.\nThe vote passed.\n"


def test_two_adjacent_sentences_at_the_end_of_a_line() -> None:
    text = "The vote passed. Follow us. Subscribe now.\r\nNext.\r\n"
    assert clean(text, "Follow us.", "Subscribe now.") == "The vote passed.\r\nNext.\r\n"


def test_sentences_that_fill_a_line_remove_the_line() -> None:
    text = "First.\n\nFollow us. Subscribe now.\n\nSecond.\n"
    assert clean(text, "Follow us.", "Subscribe now.") == "First.\n\nSecond.\n"


def test_sentences_on_two_lines_keep_the_line_break() -> None:
    text = "The vote passed. Follow us.\nSubscribe now. The mayor smiled.\n"
    cleaned = clean(text, "Follow us.", "Subscribe now.")
    assert cleaned == "The vote passed.\nThe mayor smiled.\n"


def test_sentences_in_two_paragraphs_keep_the_paragraph_break() -> None:
    text = "The vote passed. Follow us.\n\nSubscribe now. The mayor smiled.\n"
    cleaned = clean(text, "Follow us.", "Subscribe now.")
    assert cleaned == "The vote passed.\n\nThe mayor smiled.\n"


def test_sentence_then_whole_line() -> None:
    text = "The vote passed. Follow us.\nBy Jane Roe\n\nMore.\n"
    assert clean(text, "Follow us.", "By Jane Roe") == "The vote passed.\n\nMore.\n"


# --- overlaps and odd findings --------------------------------------------------------------


def test_overlapping_findings_are_removed_once() -> None:
    text = "Story.\nShare this article on Facebook\nMore.\nEnd.\n"
    start = text.index("Share")
    line_end = text.index("\n", start)
    findings = [
        finding(start, line_end, "HY105"),
        finding(start, line_end, "HY108"),
        finding(text.index("this article"), text.index(" on Facebook"), "HY301"),
        finding(text.index("Facebook"), text.index("More.") + 5, "HY101"),
    ]
    cleaned, removals = check_removals(text, findings)
    assert cleaned == "Story.\nEnd.\n"
    assert "".join(r.text for r in removals) == "Share this article on Facebook\nMore.\n"


def test_duplicate_findings_on_a_line() -> None:
    text = "Story.\nAdvertisement\nMore.\n"
    findings = flag(text, "Advertisement") * 3
    cleaned, removals = check_removals(text, findings)
    assert cleaned == "Story.\nMore.\n"
    assert "".join(r.text for r in removals) == "Advertisement\n"


def test_unfixable_findings_are_left_alone() -> None:
    text = "Story.\nAdvertisement\n"
    start = text.index("Advertisement")
    info = Finding("HY102", Category.BOILERPLATE, start, start + 13, 2, 1, 2, 0.9, "m", None)
    assert plan_removals(text, [info]) == []


def test_no_findings() -> None:
    assert plan_removals("Story.\n", []) == []
    assert apply_removals("Story.\n", []) == "Story.\n"
    assert restore("Story.\n", []) == "Story.\n"


def test_findings_in_any_order() -> None:
    text = "A1\nB2\nC3\nD4\n"
    forward = plan_removals(text, flag(text, "A1", "C3"))
    backward = plan_removals(text, flag(text, "C3", "A1"))
    assert [(r.start, r.end) for r in forward] == [(r.start, r.end) for r in backward]
    assert apply_removals(text, forward) == "B2\nD4\n"


# --- properties over random texts and findings ---------------------------------------------

PIECES = [
    "The council met.",
    "It approved the plan by five votes to two.",
    "Follow us on X.",
    "By Jane Roe",
    "Advertisement",
    "Updated 5 minutes ago",
    "“We are pleased,” she said.",
    "Rain is expected.",
]
BREAKS = ["\n", "\n", "\n\n", "\n\n", "\n \n", "\n\n\n"]
BLANK_RUN = re.compile(r"\n[ \t]*\n[ \t]*\n")  # two blank lines in a row


def random_text(rng: random.Random) -> str:
    lines = [
        " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))
        for _ in range(rng.randint(1, 7))
    ]
    text = lines[0]
    for line in lines[1:]:
        text += rng.choice(BREAKS) + line
    return text + rng.choice(["", "\n", "\n", "\n\n"])


def random_findings(rng: random.Random, text: str) -> list[Finding]:
    """Findings on segments, the way detectors make them: paragraphs, lines, sentences."""
    s = segment(Document(id="t.txt", path="t.txt", text=text))
    pool = [x for x in s.paragraphs + s.lines + s.sentences if x.text.strip()]
    return [finding(x.start, x.end) for x in rng.sample(pool, rng.randint(0, len(pool)))]


@pytest.mark.parametrize("seed", range(500))
def test_random_plans(seed: int) -> None:
    rng = random.Random(seed)
    text = random_text(rng)
    findings = random_findings(rng, text)
    cleaned, removals = check_removals(text, findings)
    if not BLANK_RUN.search(text):
        assert not BLANK_RUN.search(cleaned)
    if cleaned:
        assert cleaned.strip(), "only blank lines left"
        assert not cleaned[0].isspace(), "leading blank line or space"
        assert cleaned.endswith("\n") == text.endswith("\n")
        assert not cleaned.endswith("\n\n") or text.endswith("\n\n")
    # No doubled or dangling spaces (the texts have none).
    assert "  " not in cleaned
    assert not re.search(r"\S[ \t]+(\n|$)", cleaned)
    # A cut never glues the text of two lines together (unless a finding spans the break).
    flagged = {pos for f in findings if f.fix for pos in range(f.fix.start, f.fix.end)}
    for start, end in merged(removals):
        left = start > 0 and text[start - 1] != "\n"
        right = end < len(text) and text[end] not in "\r\n"
        if left and right:
            breaks = [pos for pos in range(start, end) if text[pos] == "\n"]
            assert set(breaks) <= flagged, (text, text[start:end])


def merged(removals: list[Removal]) -> list[tuple[int, int]]:
    """Runs of back-to-back removals as single spans."""
    spans: list[tuple[int, int]] = []
    for r in removals:
        if spans and spans[-1][1] == r.start:
            spans[-1] = (spans[-1][0], r.end)
        else:
            spans.append((r.start, r.end))
    return spans
