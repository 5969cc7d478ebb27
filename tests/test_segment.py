"""Tests for hygiene.segment: lines, paragraphs (both conventions, hard wrap) and sentences."""

from __future__ import annotations

import pytest

from hygiene.document import Document, Segment, SegmentKind
from hygiene.segment import Segmented, segment


def seg(text: str) -> Segmented:
    return segment(Document(id="t.txt", path="t.txt", text=text))


def check(text: str, segments: list[Segment], kind: SegmentKind) -> None:
    """What every segment must satisfy, whatever the splitting decisions."""
    s = seg(text)
    prev_end = 0
    for index, part in enumerate(segments):
        assert part.kind is kind
        assert part.index == index
        assert prev_end <= part.start <= part.end
        assert text[part.start : part.end] == part.text
        assert (part.line, part.column) == s.position(part.start)
        assert part.end_line == s.position(max(part.start, part.end - 1))[0]
        prev_end = part.end


def texts(segments: list[Segment]) -> list[str]:
    return [s.text for s in segments]


# --- lines ----------------------------------------------------------------------------------


def test_lines_with_offsets_and_numbers() -> None:
    text = "Headline\n\n  Body line.\nlast"
    s = seg(text)
    assert [(x.start, x.end, x.line, x.column, x.end_line) for x in s.lines] == [
        (0, 8, 1, 1, 1),
        (9, 9, 2, 1, 2),
        (10, 22, 3, 1, 3),
        (23, 27, 4, 1, 4),
    ]
    assert texts(s.lines) == ["Headline", "", "  Body line.", "last"]
    check(text, s.lines, SegmentKind.LINE)


def test_crlf_lines_exclude_the_carriage_return() -> None:
    text = "One\r\nTwo\r\n\r\nThree\r\n"
    s = seg(text)
    assert texts(s.lines) == ["One", "Two", "", "Three", ""]
    assert [x.start for x in s.lines] == [0, 5, 10, 12, 19]
    assert all("\r" not in x.text for x in s.lines)
    check(text, s.lines, SegmentKind.LINE)


def test_final_newline_gives_an_empty_last_line() -> None:
    assert texts(seg("a\nb\n").lines) == ["a", "b", ""]
    assert texts(seg("a\nb").lines) == ["a", "b"]


# --- paragraphs -----------------------------------------------------------------------------


def test_blank_line_separated_paragraphs() -> None:
    text = "First paragraph, one line.\n\nSecond paragraph.\n\n\n   Third, indented.\n"
    s = seg(text)
    assert texts(s.paragraphs) == [
        "First paragraph, one line.",
        "Second paragraph.",
        "Third, indented.",
    ]
    assert [(p.line, p.column, p.end_line) for p in s.paragraphs] == [
        (1, 1, 1),
        (3, 1, 3),
        (6, 4, 6),
    ]
    check(text, s.paragraphs, SegmentKind.PARAGRAPH)


def test_one_paragraph_per_line() -> None:
    text = (
        "The council met on Tuesday.\n"
        "It approved the budget by a vote of five to two.\n"
        "The mayor said she was pleased.\n"
    )
    s = seg(text)
    assert texts(s.paragraphs) == [line for line in text.splitlines()]
    assert [p.line for p in s.paragraphs] == [1, 2, 3]
    check(text, s.paragraphs, SegmentKind.PARAGRAPH)


HARD_WRAPPED = (
    "The council voted on Tuesday to approve a budget that raises spending\n"
    "on roads and schools while trimming the cost of administration, said\n"
    "the mayor, who called the plan a fair compromise for every district of\n"
    "the city. Opponents said the vote came too fast.\n"
)


def test_hard_wrapped_block_is_one_paragraph() -> None:
    assert max(len(line) for line in HARD_WRAPPED.splitlines()) <= 72
    text = "Budget Passes\n\n" + HARD_WRAPPED + "\nA second paragraph.\n"
    s = seg(text)
    assert len(s.paragraphs) == 3
    headline, body, last = s.paragraphs
    assert headline.text == "Budget Passes"
    assert body.text == HARD_WRAPPED.rstrip("\n")
    assert (body.line, body.end_line) == (3, 6)
    assert last.line == 8
    check(text, s.paragraphs, SegmentKind.PARAGRAPH)


def test_hard_wrapped_block_with_crlf() -> None:
    text = HARD_WRAPPED.replace("\n", "\r\n")
    (para,) = seg(text).paragraphs
    assert para.text == text.rstrip("\r\n")
    assert (para.line, para.end_line) == (1, 4)


def test_stacked_headlines_are_two_paragraphs() -> None:
    text = "Storm Batters Coast Towns\nResidents Flee Rising Water in Port Calloway\n\nBody.\n"
    s = seg(text)
    assert texts(s.paragraphs) == [
        "Storm Batters Coast Towns",
        "Residents Flee Rising Water in Port Calloway",
        "Body.",
    ]
    assert [p.line for p in s.paragraphs] == [1, 2, 4]


def test_furniture_lines_above_a_story_stay_apart() -> None:
    text = "By Jane Roe\nUpdated: March 3, 2024 10:15 a.m.\nShare this article\n"
    assert len(seg(text).paragraphs) == 3


def test_blank_lines_of_spaces_separate_paragraphs() -> None:
    text = "One.\n   \t\nTwo.\n"
    assert texts(seg(text).paragraphs) == ["One.", "Two."]


def test_whitespace_only_text_has_no_paragraphs() -> None:
    s = seg(" \n\n\t\n")
    assert s.paragraphs == [] and s.sentences == []


def test_very_long_single_line() -> None:
    sentence = "The harbour wall held through the night. "
    text = sentence * (50_000 // len(sentence) + 1)
    assert len(text) > 50_000
    s = seg(text)
    assert len(s.lines) == 1
    (para,) = s.paragraphs
    assert para.text == text.strip()
    assert len(s.sentences) == text.count(sentence)
    assert s.sentences[-1].end == len(text.rstrip())
    check(text, s.sentences, SegmentKind.SENTENCE)


def test_very_long_line_without_punctuation() -> None:
    text = "word " * 10_000
    s = seg(text)
    assert len(s.paragraphs) == 1
    assert texts(s.sentences) == [text.strip()]


# --- sentences and positions ----------------------------------------------------------------


def test_sentences_carry_absolute_offsets() -> None:
    text = "Intro line.\n\nThe mayor spoke. Then she left.\nA new paragraph here.\n"
    s = seg(text)
    assert texts(s.sentences) == [
        "Intro line.",
        "The mayor spoke.",
        "Then she left.",
        "A new paragraph here.",
    ]
    then = s.sentences[2]
    assert (then.start, then.line, then.column, then.end_line) == (30, 3, 18, 3)
    check(text, s.sentences, SegmentKind.SENTENCE)


def test_sentence_across_wrapped_lines() -> None:
    s = seg(HARD_WRAPPED)
    first, second = s.sentences
    assert (first.line, first.end_line) == (1, 4)
    assert first.text.endswith("the city.")
    assert second.text == "Opponents said the vote came too fast."
    assert (second.line, second.column) == (4, 11)
    check(HARD_WRAPPED, s.sentences, SegmentKind.SENTENCE)


def test_sentences_of_paragraph() -> None:
    text = "One. Two.\n\nThree. Four. Five.\n\nSix.\n"
    s = seg(text)
    assert [texts(s.sentences_of(p)) for p in s.paragraphs] == [
        ["One.", "Two."],
        ["Three.", "Four.", "Five."],
        ["Six."],
    ]


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(0, (1, 1)), (3, (1, 4)), (5, (2, 1)), (7, (2, 3)), (8, (3, 1)), (10, (3, 3))],
)
def test_position(offset: int, expected: tuple[int, int]) -> None:
    # "abc\r\n" is line 1 (the "\r" at offset 3), "de\n" line 2, "ef" line 3.
    text = "abc\r\nde\nef"
    s = seg(text)
    assert s.position(offset) == expected


def test_position_at_the_end_of_the_text() -> None:
    text = "one\ntwo\n"
    s = seg(text)
    assert s.position(len(text)) == (3, 1)
    assert s.position(len(text) - 1) == (2, 4)


def test_line_span() -> None:
    text = "first line\nsecond line\nthird line\n"
    s = seg(text)
    start = text.index("cond")
    end = text.index("third") + 3
    assert s.line_span(start, end) == (11, 33)
