"""Rule-based sentence splitting for one paragraph of English news text.

The splitter looks only at whitespace-delimited tokens that end in terminal punctuation
(``.``, ``?``, ``!``, ``…``, optionally followed by closing quotes or brackets) and decides
from that token and the next one whether a sentence ends there. Everything runs on
precompiled regexes and string methods, so the cost is linear in the length of the text.
"""

from __future__ import annotations

import re

from hygiene.text import UNSPACED_CHARS


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


_TERMINALS = ".?!…"
# \u2018/\u2019 are curly single quotes (escaped: ruff flags them as look-alikes).
_CLOSERS = "\"'”\u2019»)]}"
# Currency signs count as openers so that "$5 billion was lost." can start a sentence.
_OPENERS = "\"'“\u2018«([{$£€"

# A token ending in terminal punctuation (plus closers) followed by whitespace or the end.
# The lookbehind anchors at token starts and the single terminal char keeps backtracking
# constant per position, so a long line of unpunctuated text stays linear.
_CANDIDATE = re.compile(rf"(?<!\S)\S*[{re.escape(_TERMINALS)}][{re.escape(_CLOSERS)}]*(?!\S)")
_NEXT_TOKEN = re.compile(r"\s*(\S+)")
_FIRST_WORD = re.compile(r"\w+")
# Dotted acronyms without their final period: U.S, D.C, p.m, Ph.D.
_ACRONYM = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")

# Never end a sentence: they always precede a name, a number or an example.
_NEVER_FINAL = _words(
    """
    mr mrs ms messrs mme dr prof gen gens lt col sgt capt cmdr adm maj gov sen sens rep reps
    rev hon pres supt det insp cpl pvt atty fr msgr vs e.g i.e cf viz approx ca
    """
)
# Precede a number ("No. 5", "Vol. 2"); otherwise they are ordinary words ("he said no.").
_NUMBERED = _words("no nos vol vols pp fig figs art")
# May end a sentence, but usually continue it: end only before a common sentence starter.
_MAY_END = _words(
    """
    inc corp ltd co plc llc bros assn dept univ jr sr st ave blvd rd mt ft al
    jan feb mar apr jun jul aug sep sept oct nov dec
    ala ariz ark calif colo conn fla kan kans ky mich minn mont neb nev okla tenn tex vt wis wyo
    """
)
# Words that commonly open a news sentence; after an ambiguous abbreviation they signal a break.
_STARTERS = _words(
    """
    the a an he she it they we i you this that these those there here his her its their our my
    in on at but and or so yet for as after before when while if with by from to of since
    although though despite during meanwhile however still also some many most one now then
    last earlier later both each all no not what who why how where other another such
    """
)


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (start, end) as code-point offsets into `text` (+ offset), stripped of
    surrounding whitespace."""
    stripped = text.rstrip()
    if not stripped:
        return []
    start = len(stripped) - len(stripped.lstrip())
    spans: list[tuple[int, int]] = []
    for cand in _CANDIDATE.finditer(stripped):
        nxt = _NEXT_TOKEN.match(stripped, cand.end())
        if nxt is None:  # the last token: the final span below closes it
            break
        if _is_boundary(cand.group(), nxt.group(1)):
            spans.append((start + offset, cand.end() + offset))
            start = nxt.start(1)
    spans.append((start + offset, len(stripped) + offset))
    return [piece for span in spans for piece in _split_fullwidth(text, span, offset)]


# Full-width terminals (Chinese, Japanese) end a sentence without a following space;
# so does a Latin one after a lower-case letter or a digit when Chinese or Japanese
# follows at once ("... without undue delay.工事の間は"; "U.S.では" stays whole).
_FULLWIDTH_END = re.compile(
    rf"[。！？]+[」』）\u201d\u2019]*|(?<=[a-z0-9])[.?!]+(?=[{UNSPACED_CHARS}])"
)


def _split_fullwidth(text: str, span: tuple[int, int], offset: int) -> list[tuple[int, int]]:
    start, end = span
    body = text[start - offset : end - offset]
    if not _FULLWIDTH_END.search(body):
        return [span]
    pieces: list[tuple[int, int]] = []
    cut = 0
    for match in _FULLWIDTH_END.finditer(body):
        pieces.append((cut, match.end()))
        cut = match.end()
    pieces.append((cut, len(body)))
    out = []
    for a, b in pieces:
        chunk = body[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            out.append((start + a + lead, start + a + trail))
    return out


def _caseless(ch: str) -> bool:
    return ch.isalpha() and not ch.islower() and not ch.isupper()


def _is_boundary(token: str, following: str) -> bool:
    """Whether a sentence ends after `token` (which ends in terminal punctuation)."""
    head = following.lstrip(_OPENERS)
    # A sentence starts with an uppercase letter, a digit or a letter of a script
    # without case (Chinese, Japanese, Korean, Arabic...); anything else continues
    # ("e.g. this", '"Why?" he asked', "wait... what").
    if not head or not (head[0].isupper() or head[0].isdigit() or _caseless(head[0])):
        return False
    core = token.rstrip(_CLOSERS)
    stem = core.rstrip(_TERMINALS)
    if core[len(stem) :] != ".":  # ?, !, ellipses and runs like "?!" always end before a capital
        return True
    word = stem.strip(_OPENERS + _CLOSERS)
    key = word.lower()
    if key in _NEVER_FINAL:
        return False
    if key in _NUMBERED:
        return not head[0].isdigit()
    initial = len(word) == 1 and word.isalpha()
    if not (initial or key in _MAY_END or _ACRONYM.fullmatch(word)):
        return True  # an ordinary word or number: "in 2019. The"
    first = _FIRST_WORD.match(head)
    if first is None or first.group().lower() not in _STARTERS:
        return False
    # An initial ("John F. Kennedy", "J. R. R. Tolkien") ends a sentence only before a real
    # starter word ("Plan B. The"); a one-letter next word is itself probably an initial.
    return not initial or len(first.group()) > 1
