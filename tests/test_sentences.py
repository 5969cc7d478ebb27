"""Tests for hygiene.sentences: abbreviations, numbers, quotes, punctuation and span invariants."""

from __future__ import annotations

import random

import pytest

from hygiene.sentences import split_sentences


def check_spans(text: str, spans: list[tuple[int, int]], offset: int = 0) -> None:
    """The contract every result must meet, whatever the splitting decisions."""
    prev_end = offset
    for start, end in spans:
        assert prev_end <= start < end <= offset + len(text)
        piece = text[start - offset : end - offset]
        assert piece == piece.strip()
        prev_end = end
    covered = "".join(text[s - offset : e - offset] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())


def sents(text: str) -> list[str]:
    spans = split_sentences(text)
    check_spans(text, spans)
    return [text[s:e] for s, e in spans]


# --- abbreviations ---------------------------------------------------------------------------


TITLES = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt."]
TITLES += ["Gov.", "Sen.", "Rep.", "Rev."]


@pytest.mark.parametrize("title", TITLES)
def test_titles_never_end_a_sentence(title: str) -> None:
    text = f"On Tuesday {title} Alvarez spoke to reporters. The crowd cheered."
    assert sents(text) == [
        f"On Tuesday {title} Alvarez spoke to reporters.",
        "The crowd cheered.",
    ]


def test_title_before_starter_word_still_continues() -> None:
    assert len(sents("The report was written by Dr. A. Patel and colleagues.")) == 1


def test_name_suffixes_and_saints() -> None:
    assert sents("Crowds marked Martin Luther King Jr. Day in St. Louis on Monday.") == [
        "Crowds marked Martin Luther King Jr. Day in St. Louis on Monday."
    ]
    assert sents("The film starred Robert Downey Jr. The sequel is due next year.") == [
        "The film starred Robert Downey Jr.",
        "The sequel is due next year.",
    ]


def test_months() -> None:
    text = "The vote moved from Aug. 12 to Sept. 3 and then to Jan. 5. Officials gave no reason."
    assert sents(text) == [
        "The vote moved from Aug. 12 to Sept. 3 and then to Jan. 5.",
        "Officials gave no reason.",
    ]
    assert sents("Talks stalled in Jan. The deadline passed.") == [
        "Talks stalled in Jan.",
        "The deadline passed.",
    ]


def test_dotted_country_acronyms() -> None:
    text = (
        "The U.S. Treasury and the U.K. government briefed the U.N. Security Council in "
        "Washington, D.C. on Friday."
    )
    assert sents(text) == [text]
    assert sents("Exports fell sharply in the U.S. The dollar weakened.") == [
        "Exports fell sharply in the U.S.",
        "The dollar weakened.",
    ]


def test_eg_and_ie_never_split() -> None:
    text = "Some carriers, e.g. Delta and United, cut fares, i.e. They matched rivals."
    assert sents(text) == [text]
    assert sents("Cheaper options, e.g. buses, exist.") == ["Cheaper options, e.g. buses, exist."]


def test_etc() -> None:
    assert sents("Shops sold bread, milk, etc. Prices rose in March.") == [
        "Shops sold bread, milk, etc.",
        "Prices rose in March.",
    ]
    assert sents("Shops sold bread, milk, etc. at lower prices.") == [
        "Shops sold bread, milk, etc. at lower prices."
    ]


def test_number_abbreviation() -> None:
    assert sents("The No. 5 seed lost in Vol. 2 of the series. Fans left early.") == [
        "The No. 5 seed lost in Vol. 2 of the series.",
        "Fans left early.",
    ]
    assert sents("Asked about a deal, he said no. Then he walked away.") == [
        "Asked about a deal, he said no.",
        "Then he walked away.",
    ]


def test_vs_and_approx() -> None:
    text = "Yankees vs. Red Sox drew approx. 40,000 fans. Tickets sold out."
    assert sents(text) == ["Yankees vs. Red Sox drew approx. 40,000 fans.", "Tickets sold out."]


@pytest.mark.parametrize("suffix", ["Inc.", "Corp.", "Ltd.", "Co."])
def test_company_suffix_ends_before_common_starter(suffix: str) -> None:
    text = f"The contract went to Computervision {suffix} The company said it was pleased."
    assert sents(text) == [
        f"The contract went to Computervision {suffix}",
        "The company said it was pleased.",
    ]


@pytest.mark.parametrize("suffix", ["Inc.", "Corp.", "Ltd.", "Co."])
def test_company_suffix_continues_before_other_capitals(suffix: str) -> None:
    text = f"Acme {suffix} Chief Executive Jane Doe resigned on Friday."
    assert sents(text) == [text]


def test_initials() -> None:
    text = "John F. Kennedy admired J. R. R. Tolkien and George W. Bush did not. He said so."
    assert sents(text) == [
        "John F. Kennedy admired J. R. R. Tolkien and George W. Bush did not.",
        "He said so.",
    ]
    # "A" and "I" are starter words, but as single letters they are more likely initials.
    assert sents("The paper cited J. A. Hobson and W. I. Thomas.") == [
        "The paper cited J. A. Hobson and W. I. Thomas."
    ]
    assert sents("They chose Plan B. The rest followed.") == [
        "They chose Plan B.",
        "The rest followed.",
    ]


# --- numbers and times -----------------------------------------------------------------------


def test_decimals_money_and_versions() -> None:
    text = "Inflation rose 3.5 percent to $1.2 billion after v2.0 shipped. Stocks fell 0.7 percent."
    assert sents(text) == [
        "Inflation rose 3.5 percent to $1.2 billion after v2.0 shipped.",
        "Stocks fell 0.7 percent.",
    ]


def test_times() -> None:
    assert sents("The polls close at 5 p.m. on Monday and open at 7 a.m. Eastern time.") == [
        "The polls close at 5 p.m. on Monday and open at 7 a.m. Eastern time."
    ]
    assert sents("The polls closed at 5 p.m. The count began at once.") == [
        "The polls closed at 5 p.m.",
        "The count began at once.",
    ]


# --- quotes and brackets ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "closing"),
    [('"', '"'), ("“", "”"), ("\u2018", "\u2019"), ("'", "'"), ("(", ")"), ("[", "]")],
)
def test_terminal_inside_closer_belongs_to_sentence(opening: str, closing: str) -> None:
    text = f"He said {opening}Go.{closing} Then he left."
    assert sents(text) == [f"He said {opening}Go.{closing}", "Then he left."]


def test_period_after_closing_quote() -> None:
    assert sents('She called the plan "reckless". Her aides agreed.') == [
        'She called the plan "reckless".',
        "Her aides agreed.",
    ]


def test_quote_followed_by_lowercase_continues() -> None:
    assert sents('"Why now?" he asked. "Because we can!" she replied.') == [
        '"Why now?" he asked.',
        '"Because we can!" she replied.',
    ]


def test_next_sentence_opening_with_quote_or_bracket() -> None:
    assert sents('The minister resigned. "We are shocked," the party said.') == [
        "The minister resigned.",
        '"We are shocked," the party said.',
    ]
    assert sents("Markets closed early. (Trading resumes Monday.)") == [
        "Markets closed early.",
        "(Trading resumes Monday.)",
    ]
    assert sents('He paused. "and then?" someone asked.') == [
        'He paused. "and then?" someone asked.'
    ]


# --- ?, ! and ellipses -----------------------------------------------------------------------


def test_question_and_exclamation() -> None:
    assert sents("Will rates rise? Analysts think so! The Fed meets today?! Nobody knows.") == [
        "Will rates rise?",
        "Analysts think so!",
        "The Fed meets today?!",
        "Nobody knows.",
    ]


def test_question_after_abbreviation_ends_before_any_capital() -> None:
    assert sents("Who is Mr. X? Nobody knows. Was it made in the U.S.? Officials won't say.") == [
        "Who is Mr. X?",
        "Nobody knows.",
        "Was it made in the U.S.?",
        "Officials won't say.",
    ]


@pytest.mark.parametrize("ellipsis", ["...", "…"])
def test_ellipsis(ellipsis: str) -> None:
    text = f"The talks went on{ellipsis} and on{ellipsis} Then they collapsed."
    assert sents(text) == [f"The talks went on{ellipsis} and on{ellipsis}", "Then they collapsed."]


# --- what may start a sentence ---------------------------------------------------------------


def test_digit_starts_a_sentence() -> None:
    assert sents("It was a hard year. 2019 was worse.") == [
        "It was a hard year.",
        "2019 was worse.",
    ]


def test_lowercase_after_period_continues() -> None:
    text = "He once worked atFacebook. andXor said he left for personal reasons."
    assert sents(text) == [text]


def test_missing_space_does_not_crash() -> None:
    text = "The U.S.President spoke.Reporters listened."
    assert sents(text) == [text]


def test_no_terminal_punctuation_is_one_sentence() -> None:
    assert sents("  Breaking news from the capital  ") == ["Breaking news from the capital"]


# --- span properties -------------------------------------------------------------------------


def test_empty_and_whitespace_only() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\u00a0 ") == []
    assert split_sentences("", offset=10) == []


def test_offset_shifts_spans() -> None:
    text = "  Prices rose. Wages did not.  "
    base = split_sentences(text)
    assert base == [(2, 14), (15, 29)]
    assert split_sentences(text, offset=100) == [(102, 114), (115, 129)]
    check_spans(text, split_sentences(text, offset=100), offset=100)


def test_long_line_without_punctuation() -> None:
    text = ("word " * 4000).strip()
    assert len(text) >= 19_000
    assert split_sentences(text) == [(0, len(text))]


def test_randomized_invariants() -> None:
    rng = random.Random(20240517)
    pieces = [
        "Mr.",
        "U.S.",
        "Corp.",
        "The",
        "the",
        "3.5",
        "p.m.",
        '"Go."',
        "(Yes.)",
        "no.",
        "F.",
        "Why?",
        "Wow!",
        "...",
        "…",
        "it",
        "\u2019",
        "'",
        "etc.",
        "2019.",
        "e.g.",
        "$5",
        "“We",
        ".",
        "é",
        "ÉTAT.",
        "x" * 50,
    ]
    spaces = [" ", " ", " ", "  ", "\n", "\t", "\u00a0", "\u2009", ""]
    for _ in range(500):
        text = "".join(rng.choice(spaces) + rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        offset = rng.randint(0, 1000)
        check_spans(text, split_sentences(text, offset), offset)


def test_large_and_pathological_input_keeps_the_span_contract() -> None:
    news = (
        "Mr. Lee said the U.S. economy grew 3.5 percent. The Fed met at 5 p.m. on Monday. " * 12_500
    )
    assert len(split_sentences(news)) == 25_000
    for text in ("." * 200_000 + "x", "!" * 200_000, "a " * 500_000):
        check_spans(text, split_sentences(text), 0)


def test_full_width_terminals_end_sentences_without_a_space() -> None:
    text = "東京で会議が開かれた。参加者は多かった。 The meeting ended at noon."
    assert sents(text) == [
        "東京で会議が開かれた。",
        "参加者は多かった。",
        "The meeting ended at noon.",
    ]
    check_spans(text, split_sentences(text))


def test_latin_terminal_ends_before_japanese_without_a_space() -> None:
    text = "町は発表した。The plan was approved on Monday.工事は四月に始まる。U.S.では報じられた。"
    assert sents(text) == [
        "町は発表した。",
        "The plan was approved on Monday.",
        "工事は四月に始まる。",
        # After an upper-case letter the period may be an acronym's: no cut.
        "U.S.では報じられた。",
    ]
    check_spans(text, split_sentences(text))


def test_a_letter_without_case_starts_a_sentence() -> None:
    # Korean, Japanese and Arabic letters are neither upper- nor lower-case.
    assert sents("회의가 열렸다. 다만 결과는 없었다.") == ["회의가 열렸다.", "다만 결과는 없었다."]
    text = "The service levels are met. まずメニューを開く。"
    assert sents(text) == ["The service levels are met.", "まずメニューを開く。"]
    assert sents("The vote was close. اجتمع المجلس.") == ["The vote was close.", "اجتمع المجلس."]
    # A lower-case Latin word still continues the sentence.
    assert sents("He waited for the u.s. team to arrive.") == [
        "He waited for the u.s. team to arrive."
    ]
