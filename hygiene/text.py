"""Text keys shared by every stage: one normal form, and line/column positions.

``normalise`` folds away what a reprint, a repeated caption or a re-saved file
changes without changing the text (case, punctuation, quotes, spacing); the
near-duplicate shingles, the repeated-paragraph keys and the baseline
fingerprints all compare texts through it. ``LineIndex`` turns code-point
offsets into 1-based (line, column), lines split on "\\n". ``printable`` shows a
file name on one line of output. ``word_count`` measures a text in words for
length thresholds, in scripts that do not put spaces between words too.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

# ASCII fast path of `normalise`: every byte that is not a letter or digit
# becomes a space.
_ASCII_TABLE = bytes(c if chr(c).isalnum() else 0x20 for c in range(128)) + b" " * 128
# Non-ASCII characters seen so far -> whether they are separators.
_SEPARATOR: dict[str, bool] = {}
_NEWLINE = re.compile("\n")
# Chinese and Japanese write words without spaces between them: Han ideographs,
# hiragana, katakana (full and half width). Korean spaces its words, so Hangul
# counts as any other script.
UNSPACED_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_UNSPACED = re.compile(f"[{UNSPACED_CHARS}]")
# Characters per word in those scripts: about two in Chinese and Japanese.
_UNSPACED_WORD = 2


def _is_separator(ch: str) -> bool:
    sep = _SEPARATOR.get(ch)
    if sep is None:
        # Combining marks count as word characters: Indic vowel signs and
        # viramas are not punctuation, and splitting on them shreds words.
        sep = not (ch.isalnum() or unicodedata.category(ch).startswith("M"))
        _SEPARATOR[ch] = sep
    return sep


def normalise(text: str) -> str:
    """NFKC, casefold, every run of characters that are not letters, digits or
    combining marks becomes one space, and the ends are stripped; so re-wrapping,
    punctuation, quote styles and case do not change the key."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return " ".join(text.encode("ascii").translate(_ASCII_TABLE).decode("ascii").split())
    table = {ord(ch): " " for ch in set(text) if _is_separator(ch)}
    return " ".join(text.translate(table).split())


def word_count(text: str) -> int:
    """Words in ``text``: its whitespace-separated tokens, where each two Chinese or
    Japanese characters count as one word (a Japanese sentence is one token to
    ``str.split``, and would never reach a length threshold). Texts without such
    characters count as ``len(text.split())``."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    # What is left between those characters: words of other scripts, and the
    # punctuation of these ("、", "。", "「"), which is no word.
    rest = _UNSPACED.sub(" ", text).split()
    spaced = sum(any(c.isalnum() for c in token) for token in rest)
    return spaced + -(-unspaced // _UNSPACED_WORD)


class LineIndex:
    """1-based (line, column) of code-point offsets, lines split on "\\n"."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    @classmethod
    def from_starts(cls, starts: list[int]) -> LineIndex:
        """An index over line starts already found (the segmenter finds them anyway)."""
        index = cls("")
        index.starts = starts
        return index

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


# Categories that break a one-line format or a terminal: controls (newline, escape),
# surrogates, line and paragraph separators.
_UNPRINTABLE = frozenset({"Cc", "Cs", "Zl", "Zp"})


def printable(name: str) -> str:
    """A name for one line of output: a byte that was not UTF-8 (a surrogate escape,
    as os.fsdecode gives it) as ``\\xNN``, a control character as its escape (``\\n``,
    ``\\x1b``). Names without either come back unchanged."""
    if name.isprintable():
        return name
    out = []
    for ch in name:
        if "\udc80" <= ch <= "\udcff":
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch != " " and unicodedata.category(ch) in _UNPRINTABLE:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)
