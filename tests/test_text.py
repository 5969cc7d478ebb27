"""text.word_count: length thresholds in words, for scripts with and without spaces."""

from __future__ import annotations

import pytest

from hygiene.text import word_count


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("The ferry sailed at noon.", 5),
        ("  spaced   out\ttext \n", 3),
        # Korean spaces its words: counted like English.
        ("서울에서 회의가 열렸다", 3),
        # Japanese: 14 kana and kanji, two to a word; its punctuation is no word.
        ("もちろん、町は反対していません。", 7),
        # Mixed: Latin tokens count as words, the 7 Japanese characters around them as 4.
        ("Apple社は「iPhone」を発表した。", 2 + 4),
    ],
)
def test_word_count(text: str, words: int) -> None:
    assert word_count(text) == words


def test_word_count_of_spaced_text_is_a_split() -> None:
    text = "Council member Luis Ortega voted against the rate increase on Tuesday."
    assert word_count(text) == len(text.split())
