"""Cues: general properties of a line that mark it as page furniture.

Each cue looks at the shape of one line (length, punctuation, capitalisation,
credit and time patterns, imperative or second-person address) and says which
rule it points to, how strongly, and why. The heuristic line model combines
them; a learned model can use them as features.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


_EMPHASIS = re.compile(r"^(?:\*\*|__|\*|_)(.+?)(?:\*\*|__|\*|_)$")


@dataclass(frozen=True)
class Cue:
    code: str
    weight: float
    reason: str


@dataclass(frozen=True)
class LineShape:
    """Cheap facts about a line shared by the cues."""

    text: str  # normalised quotes, stripped
    lower: str
    words: list[str]
    terminal: bool  # ends like a sentence

    @classmethod
    def of(cls, raw: str) -> LineShape:
        return _shape(raw)

    @property
    def n_words(self) -> int:
        return len(self.words)


def headline_shaped(shape: LineShape) -> bool:
    """Short, capitalised, and not ending like a sentence of running text."""
    text = shape.text
    return (
        3 <= shape.n_words <= 25
        and (text[:1].isupper() or text[:1].isdigit() or text[:1] in "\"'‘“")
        and not text.endswith((".", ",", ";", ":"))
    )


# Lines up to this length have their shape, cues and word shares cached: the cues,
# the line models and the glued-furniture check each ask about the same lines. Longer
# ones (prose, or a hostile megabyte line) are not kept alive by the caches.
CACHED_LINE_CHARS = 2000

_T = TypeVar("_T")


def cached_for_short_lines(compute: Callable[[str], _T]) -> Callable[[str], _T]:
    """``compute`` behind an LRU cache for lines of up to CACHED_LINE_CHARS; longer
    lines are computed afresh. The results must never be changed by the caller."""
    cached = functools.lru_cache(maxsize=4096)(compute)

    @functools.wraps(compute)
    def per_line(text: str) -> _T:
        return cached(text) if len(text) <= CACHED_LINE_CHARS else compute(text)

    return per_line


@cached_for_short_lines
def _shape(raw: str) -> LineShape:
    # Markdown emphasis around a whole line ("*By Jane Roe*") is decoration.
    text = _EMPHASIS.sub(r"\1", raw.translate(_QUOTES).strip()).strip()
    words = re.findall(r"[\w'][\w'.&-]*", text)
    return LineShape(text, text.lower(), words, text.rstrip("\"')]").endswith((".", "!", "?")))


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


# --- media player residue -------------------------------------------------
_DURATION = r"\(?\d{1,2}:\d{2}(?::\d{2})?\)?"
_MEDIA_CLOCK = _rx(rf"^{_DURATION}(?:\s*(?:/|of)\s*{_DURATION})?$")
_MEDIA_LABEL = _rx(
    r"""^(?:(?:play|watch|replay|pause|mute|unmute)(?:\s+(?:the\s+)?(?:video|audio|clip|now))?
        |listen(?:\s+to\s+(?:this|the)\s+(?:article|story|podcast|episode))?
        |now\s+playing|up\s+next|video|audio|loaded:?\s*\d+%?|fullscreen|duration:?.*
        |video\s+player\s+is\s+loading\.?|this\s+video\s+(?:is|has\s+been)\s+\w+\.?
        |listen\s*[·|-]?\s*\d{1,2}:\d{2}\s*(?:min)?)
        (?:\s*[:|-]?\s*\(?\d{1,2}:\d{2}(?::\d{2})?\)?)?\s*\.?$"""
)
_MEDIA_PREFIX = _rx(r"^(?:watch|video|listen|audio|podcast)\s*[:|]\s*\S")


_MEDIA_UNSUPPORTED = _rx(
    r"\b(?:your\s+browser\s+does\s+not\s+support|(?:is\s+)?not\s+supported\s+(?:on|by|in)\s+your\s+browser)\b"
)


def media_cues(shape: LineShape) -> list[Cue]:
    if shape.n_words <= 16 and _MEDIA_UNSUPPORTED.search(shape.text):
        return [Cue("HY103", 0.9, "a media player's fallback message")]
    if _MEDIA_CLOCK.match(shape.text):
        return [Cue("HY103", 0.95, "a bare media-player time")]
    if shape.n_words <= 8 and _MEDIA_LABEL.match(shape.text):
        return [Cue("HY103", 0.9, "a media-player control label")]
    if shape.n_words <= 20 and _MEDIA_PREFIX.match(shape.text):
        return [Cue("HY103", 0.75, "a link to a video or audio item")]
    return []


# --- dates, times, "Updated:" ---------------------------------------------
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAYS = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?"
)
_TIME_LABEL = (
    r"updated|last\s+updated|published|first\s+published|posted|modified|last\s+modified"
    r"|created|date|issued|released|edited|originally\s+published|timestamp"
)
_DATE_TOKEN = _rx(
    rf"""(?:\b(?:{_MONTHS})\b\.?
        |\b(?:{_DAYS})\b\.?
        |\b\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?
        |\b\d{{4}}-\d{{2}}-\d{{2}}T\d{{2}}:\d{{2}}(?::\d{{2}})?(?:\.\d+)?(?:Z|[+-]\d{{2}}:?\d{{2}})?
        |\b\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{1,4}}\b
        |\b\d+\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?
                  |mos?|months?|y|yrs?|years?)\s+ago\b
        |\b\d{{1,2}}\s?[hdw]\b
        |\b(?:just\s+now|yesterday|today|an?\s+(?:minute|hour|day|week|month|year)\s+ago)\b
        |\b(?:{_TIME_LABEL})\b)"""
)
_LABEL_TOKEN = _rx(rf"\b(?:{_TIME_LABEL})\b|\bago\b|\bjust\s+now\b")
# What may stand around dates on a timestamp line once the date parts are gone.
# What may stand around dates on a timestamp line once the date parts are gone:
# small words, day numbers and ordinals, a.m./p.m., time zones (EST, GMT), punctuation.
_FILLER_WORDS = frozenset({"on", "at", "as", "of", "by", "the", "and"})
_FILLER_TOKEN = re.compile(
    r"[ap]\.?m\.?(?![A-Za-z])|[A-Za-z]+|\d+(?:st|nd|rd|th)?|\S", re.IGNORECASE
)
_FILLER_PUNCT = frozenset(",|·•:;/()[].–—@-")


# (?<!\s): a separator is tried only where a run of spaces starts, so a long run of
# spaces costs linear time, not quadratic (the leftmost match is the same).
_SEPARATOR = re.compile(r"(?<!\s)\s+[|·•–—-]\s+")
_SOURCE_NAME = re.compile(r"^[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3}$")


_READING_TIME = _rx(
    r"^(?:reading\s+time:?\s*)?\d+(?:\s*(?:-|to)\s*\d+)?\s*min(?:ute)?s?(?:\s+read)?$"
)


def timestamp_cues(shape: LineShape) -> list[Cue]:
    if _READING_TIME.match(shape.text):
        return [Cue("HY102", 0.9, "a reading-time label")]
    if shape.n_words > 14:
        return []
    parts = _SEPARATOR.split(shape.text)
    if len(parts) == 2 and _SOURCE_NAME.match(parts[0]) and _is_timestamp(parts[1]):
        return [Cue("HY102", 0.85, "a source name with a publication time")]
    if not _is_timestamp(shape.text):
        return []
    label = bool(_LABEL_TOKEN.search(shape.text))
    if not label and shape.n_words == 1 and not any(c.isdigit() for c in shape.text):
        # "Saturday" or "December" alone is as often a listing's heading as a dateline.
        return [Cue("HY102", 0.4, "a lone day or month name")]
    reason = "a line holding only a date, time or 'updated' label"
    return [Cue("HY102", 0.95 if label else 0.85, reason)]


def mentions_date(shape: LineShape) -> bool:
    """A date, time, relative time or 'updated' label somewhere in the line."""
    return _DATE_TOKEN.search(shape.text) is not None


def _is_timestamp(text: str) -> bool:
    """Only dates, times, relative times and their labels, nothing else."""
    if not _DATE_TOKEN.search(text):
        return False
    # Token by token, so the check stays linear on any line.
    for token in _FILLER_TOKEN.findall(_DATE_TOKEN.sub(" ", text)):
        if token[0].isdigit():
            if len(token.rstrip("stndrh")) > 4:
                return False
        elif token[0].isalpha():
            zone = token.isupper() and 2 <= len(token) <= 4  # EST, GMT, CET
            meridiem = token.lower().replace(".", "") in ("am", "pm")
            if not (zone or meridiem or token.lower() in _FILLER_WORDS):
                return False
        elif token not in _FILLER_PUNCT:
            return False
    return True


# --- bylines ----------------------------------------------------------------
# Case-sensitive even inside the IGNORECASE patterns below: a name is capitalised
# ("By Ana Lima", "By ANA LIMA"), "By contrast, ..." is not a byline.
_NAME_WORD = r"(?-i:[A-Z][\w'-]*\.?|[A-Z]\.)"
_PARTICLE = r"(?:de|da|van|von|der|la|le|al|bin|del|dos)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,3}}"
_BY_PREFIX = r"(?:by|written\s+by|words\s+by|story\s+by|text\s+by|author:?|authors:?|byline:?)"
_ROLE = (
    r"(?:(?:staff|senior|chief|political|foreign|business|sports|health|science|national|"
    r"local|special|contributing|associate|deputy|managing|executive|news|investigative)\s+)*"
    r"(?:writer|reporter|correspondent|editor|contributor|columnist|journalist|photographer|"
    r"producer|analyst|intern|staff)s?"
)
_BYLINE = re.compile(
    rf"^{_BY_PREFIX}\s+(?P<names>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)\s*(?:[|·•,–—-]\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
# The role may have words of its own before it: "Marco Bellini | Transport Reporter".
_NAME_ROLE = re.compile(
    rf"^{_NAME}\s*(?:[,|·•–—-]|\bis\s+an?\b)\s*(?:the\s+|an?\s+)?"
    rf"(?:(?-i:[A-Z])[\w&'-]*\s+){{0,3}}{_ROLE}\b",
    re.IGNORECASE,
)
# "Dana Whitfield contributed reporting from Lisbon.", "Kim Lee contributed to this report."
_CONTRIBUTED = re.compile(
    rf"^{_NAME}(?:\s*(?:,|and|&)\s*{_NAME}){{0,4}}\s+contributed\s+"
    r"(?:reporting|research|writing|to\s+(?:this|the)\s+(?:report|story|article))\b",
    re.IGNORECASE,
)
_CREDITS = _rx(
    r"^\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|produced|research|graphics?)\s+by\s+(?-i:[A-Z])"
)
_NOT_NAMES = _rx(rf"^(?:the|a|an|this|that|these|those|then|now|{_MONTHS}|{_DAYS})$")


_AGENCIES = (
    r"associated\s+press|the\s+associated\s+press|reuters|afp|agence\s+france-presse|bloomberg|"
    r"dpa|efe|ansa|xinhua|kyodo|tass|pa\s+media|press\s+association|upi|cnn|bbc\s+news|"
    r"canadian\s+press|australian\s+associated\s+press|aap"
)
_NAME_AGENCY = re.compile(rf"^{_NAME}\s*[,|·•–—-]\s*(?:{_AGENCIES})\s*$", re.IGNORECASE)


_BYLINE_OTHER = _rx(
    rf"""^(?:by\s+(?:the\s+)?(?:{_AGENCIES})
        |(?:posted|guest\s+post|submitted|contributed|photos?|video)\s+by\s+\S+(?:\s+\S+){{0,3}}
        |(?:from\s+)?(?:staff|wire|news\s+service|agency)\s+reports?
        |{_ROLE}(?:\s+(?:in|for|at|based\s+in)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){{0,2}})?)$"""
)
_NAME_EMAIL = re.compile(rf"^{_NAME}\s*[|,·•–—-]\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")


def byline_cues(shape: LineShape) -> list[Cue]:
    if shape.n_words > 30:
        return []
    if shape.n_words <= 8 and (_BYLINE_OTHER.match(shape.text) or _NAME_EMAIL.match(shape.text)):
        return [Cue("HY101", 0.85, "a writer or source credit")]
    if _CREDITS.match(shape.text):
        return [Cue("HY101", 0.9, "a reporting and editing credit")]
    if _CONTRIBUTED.match(shape.text):
        return [Cue("HY101", 0.85, "a contributor's credit")]
    if shape.n_words > 14:
        return []
    match = _BYLINE.match(shape.text)
    if match and not _NOT_NAMES.match(match.group("names").split()[0]):
        rest = match.group("rest") or ""
        if (
            not rest
            or _DATE_TOKEN.search(rest)
            or re.search(_ROLE, rest, re.I)
            or len(rest.split()) <= 5
        ):
            return [Cue("HY101", 0.9, "a byline ('By ...')")]
    if _NAME_ROLE.match(shape.text):
        return [Cue("HY101", 0.85, "a writer's name with a newsroom role")]
    if _NAME_AGENCY.match(shape.text):
        return [Cue("HY101", 0.85, "a writer's name with a news agency")]
    return []


def looks_like_name(shape: LineShape) -> bool:
    """Two to four capitalised words and nothing else: a name or a label."""
    return (
        2 <= shape.n_words <= 4
        and len(shape.text) <= 40
        and not shape.terminal
        and re.fullmatch(_NAME, shape.text) is not None
    )


# --- photo captions ---------------------------------------------------------
CREDIT_WORDS = (
    r"photo|photograph|image|pictures?|getty|reuters|\bap\b|afp|epa|courtesy|handout|file|"
    r"shutterstock|istock|pool|credit|staff|sipa|alamy|dpa|xinhua|anadolu|bloomberg|nurphoto"
)
# "(...)" right after "]" is a Markdown link target, not a credit.
_END_CREDIT = re.compile(r"(?<!\])\((?P<credit>[^()]{2,120})\)\s*$")
_CREDIT_INSIDE = re.compile(rf"/|\bvia\b|{CREDIT_WORDS}", re.IGNORECASE)
_CAPTION_PREFIX = _rx(
    r"^(?:photo|photograph|image|picture|pictured|credit|photo\s+credit|image\s+credit|"
    r"caption|file\s+photo|main\s+image|top\s+image|lead\s+image)\s*(?:\(.*?\)\s*)?[:|]"
)
_CAPTION_INLINE = _rx(
    r"\b(?:photo(?:graph)?\s+by|image\s+by|pictured\s+by|getty\s+images|ap\s+photo|"
    r"afp\s+via|shutterstock|istockphoto|epa-efe|photo\s+courtesy|courtesy\s+photo)\b"
)
_TRAILING_CREDIT = _rx(
    r"[|/–—-]\s*(?:getty\s+images|ap|afp|reuters|epa|shutterstock|courtesy\b.*)\s*$"
)


_IMAGE_CONTROL = _rx(
    r"""^(?:(?:enlarge|expand|open|view|zoom)\s+(?:this\s+)?(?:image|photo|picture)(?:\s+in\s+gallery)?
        |toggle\s+caption|hide\s+caption|show\s+caption|view\s+gallery
        |(?:provided|submitted|file|contributed|courtesy|stock)\s+(?:photo|image|picture)s?)\s*$"""
)


_MARKDOWN_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)(?:\s*\{[^}]*\})?$")


_GALLERY_COUNTER = _rx(r"^(?:(?:image|photo|picture|slide)\s+)?\d{1,3}\s*(?:of|/)\s*\d{1,3}$")


def caption_cues(shape: LineShape) -> list[Cue]:
    if _MARKDOWN_IMAGE.match(shape.text):
        return [Cue("HY104", 0.9, "an embedded image")]
    if _GALLERY_COUNTER.match(shape.text):
        return [Cue("HY104", 0.7, "a photo gallery counter")]
    if shape.n_words > 70:
        return []
    if _IMAGE_CONTROL.match(shape.text):
        return [Cue("HY104", 0.85, "an image viewer control or credit label")]
    end = _END_CREDIT.search(shape.text)
    if end and shape.n_words >= 4 and _CREDIT_INSIDE.search(end.group("credit")):
        credit = end.group("credit")
        # A closing "(Name/Agency)" is a credit; "(1/3)" and "(and/or)" are not.
        if re.search(r"[A-Za-z]{2,}", credit) and not re.fullmatch(r"[\d\s/]+", credit):
            return [Cue("HY104", 0.9, f"ends with a photo credit '({credit.strip()})'")]
    if _CAPTION_PREFIX.match(shape.text):
        return [Cue("HY104", 0.9, "starts with a photo or credit label")]
    if _CAPTION_INLINE.search(shape.text) or _TRAILING_CREDIT.search(shape.text):
        return [Cue("HY104", 0.8, "carries a photo agency credit")]
    return []


# --- calls to action --------------------------------------------------------
_CTA_ANCHORED = _rx(
    r"""^(?:(?:read|see|watch|listen)\s+(?:also|more|next|this|too|here)\b\s*[:|»›>-]?
        |(?:keep|continue|start)\s+reading\b
        |click\s+(?:here|to|for)\b|tap\s+(?:here|to)\b
        |(?:read|see|watch|listen\s+to)\s+(?:the\s+)?(?:full|whole|original|complete)\s+
            (?:story|article|report|interview|video|press\s+conference|speech|episode|podcast)
        |related(?:\s+(?:articles?|stories|coverage|news|content))?\s*:\s*\S
        |share\s+(?:this|the)\s+(?:article|story|post|page)\b
        |(?:also|more)\s+(?:read|see)\s*:)"""
)
_IMPERATIVE = _rx(
    r"""^(?:subscribe|sign\s+up|sign\s+in|log\s+in|join|follow|donate|support|share|click|tap|
        download|get|try|explore|discover|register|like|contribute|become|consider|help|give|
        stay|check\s+out|visit|find|learn|enter|claim|start|upgrade|unlock|save|shop|buy|order|
        install|bookmark|enable|allow|turn\s+on|send|tell|email|write\s+to|contact|keep|continue|
        read|watch|listen|
        receive|sign\s+me\s+up|
        never\s+miss|don'?t\s+miss|don'?t\s+forget|make\s+sure|be\s+the\s+first)\b"""
)
# A question to the reader, then what to do: "Got a tip? Email us.", "Enjoyed this? Share it."
_ASK_THEN_DO = _rx(
    r"^(?:want|like|liked|enjoy|enjoyed|love|loved|got|have|know|found)\b[^?]{0,80}\?\s+"
    r"(?:get|sign|subscribe|join|follow|share|write|email|send|tell|contact|call|read|watch"
    r"|listen|download|support|donate|try|click|tap|visit|let\s+us|reach|drop|message|text)\b"
)
_SECOND_PERSON = _rx(r"\b(?:you|your|you're|you'll|you've|yourself|yours)\b")
# "US" in capitals is the country, not the outlet speaking.
_OUTLET_VOICE = re.compile(r"\b(?:[Ww]e|[Uu]s|[Oo]ur|[Ww]e're|[Ww]e've|[Ww]e'll|[Oo]urs|WE|OUR)\b")
# Words that only calls to action use, and words they often use.
_CTA_STRONG = _rx(
    r"""(?:newsletters?|\binbox|\bpatrons?\b|patreon|your\s+email\b|subscri\w+|donat\w+|\bmembership|ad-free|sign[\s-]?up\b|
        facebook|twitter|instagram|telegram|whatsapp|youtube|tiktok|linkedin|bluesky|
        \brss\b|podcasts?\b|notifications\b|\b[\w.+-]{1,64}@[\w-]{1,63}\.\w|\bbreaking\s+news\s+alerts?|independent\s+news|
        \bour\s+(?:reporting|coverage|journalism|work|mission)\b)"""
)
_CTA_WEAK = _rx(
    r"""\b(?:members?|premium|apps?|alerts?|updates|journalism|support\w*|free|trial|account|
        follow\w*|features|miss\s+(?:a|any|anything|out)|offers?|stories|news|contribution)\b"""
)
_REPORTING = _rx(r"\b(?:said|says|told|according\s+to|reported|announced|stated|claimed)\b")
_STAY = _rx(
    r"\b(?:don'?t|never)\s+miss\b|\bstay\s+(?:informed|updated|tuned|up\s+to\s+date|in\s+the\s+know)\b"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)(\S)")


_PAYWALL = _rx(
    r"""\b(?:for\s+subscribers\s+only|subscribers?[\s-]+only|free\s+articles?\s+(?:this|per|a)\s+month
        |limit\s+of\s+free\s+articles|to\s+continue\s+reading|already\s+a\s+(?:subscriber|member)
        |subscribe\s+to\s+(?:read|continue|unlock))\b"""
)


def cta_cues(shape: LineShape) -> list[Cue]:
    if shape.n_words > 60:
        return []
    if shape.n_words <= 25 and _PAYWALL.search(shape.text):
        return [Cue("HY105", 0.85, "a paywall or subscription notice")]
    if _CTA_ANCHORED.match(shape.text):
        return [Cue("HY105", 0.9, "a 'read more' or 'keep reading' link")]
    if shape.n_words <= 30 and _ASK_THEN_DO.match(shape.text):
        return [Cue("HY105", 0.8, "asks the reader a question, then what to do")]
    if '"' in shape.text or _REPORTING.search(shape.text):
        return []  # quoted or reported speech is story text
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", shape.text) if s]
    imperative = any(_IMPERATIVE.match(s.lstrip("-•*»› ")) for s in sentences)
    address = bool(_SECOND_PERSON.search(shape.text)) + bool(_OUTLET_VOICE.search(shape.text))
    strong = len(_CTA_STRONG.findall(shape.text))
    weak = len(_CTA_WEAK.findall(shape.text))
    weight = 0.0
    if imperative and strong:
        weight = 0.75 + 0.1 * min(address + strong - 1, 2)
    elif imperative and address and weak:
        weight = 0.6 + 0.05 * min(address + weak - 1, 2)
    elif imperative and weak >= 2:
        weight = 0.55
    elif imperative and address:
        weight = 0.4  # advice prose looks like this too: needs a furniture neighbour
    elif _STAY.search(shape.text):
        weight = 0.6
    elif address and strong and strong + weak >= 2:
        weight = 0.5 + 0.1 * (address - 1) + 0.05 * min(strong + weak - 2, 2)
    if shape.n_words > 35:
        weight *= 0.6
    if weight <= 0:
        return []
    return [Cue("HY105", min(weight, 0.95), "addresses the reader with a call to action")]


# --- comment widgets --------------------------------------------------------
_COMMENTS = _rx(
    r"""^(?:\d+\s+)?(?:comments?|replies|responses|reactions)\s*(?:\(\d+\))?\s*:?$
        |^(?:no|0|zero)\s+comments?(?:\s+yet)?\b
        |\bbe\s+the\s+first\s+to\s+(?:comment|reply|respond)\b
        |^(?:leave|post|add|write|view|show|hide|load|read|see)\s+(?:a|the|all|more|your)?\s*
            (?:\d+\s+)?(?:comments?|replies)\b
        |^(?:reply|report\s+comment|flag|community\s+guidelines|commenting\s+policy)$
        |\bjoin\s+the\s+(?:conversation|discussion|debate)\b
        |\bcomments?\s+(?:are|is|have\s+been)\s+(?:closed|disabled|turned\s+off)\b
        |\b(?:log|sign)(?:ged)?\s+in\s+to\s+(?:post\s+(?:a\s+)?)?(?:comment|reply|post)\b
        |^(?:sort\s+by|newest|oldest)\s*:?\s*(?:newest|oldest|best|top)?$"""
)


# "Posted by: Dana | Jan 13, 2008 9:21 AM", "Dana on January 2, 2008 at 09:36": a
# commenter's name with the time of the comment.
_SIGNATURE = _rx(
    r"""^(?:posted|submitted|written|comment(?:ed)?)\s+by:?\s+\S.{0,60}$
        |^(?:by\s+|\#\d+\s+[—–-]\s+)?\S.{0,40}\s+(?:on|at|@|[—–|·•]|says?:?)\s+\S.{0,60}$"""
)
# The comment form around a thread: its fields, rules and captcha.
_COMMENT_FORM = _rx(
    r"""\bwill\s+not\s+be\s+(?:published|displayed|shared)\b|\bcharacter\s+count\b
        |\bcharacters?\s+(?:left|remaining)\b|\brequired\s+fields?\s+are\s+marked\b
        |\bsave\s+my\s+name,?\s+email\b|\bnotify\s+me\s+of\s+(?:new|follow-up)\b
        |\btype\s+(?:in\s+)?the\s+(?:code|characters|words)\b|\bcaptcha\b
        |\bregistered\s+(?:member|user)s?\b.{0,40}\b(?:comment|post)
        |\bmust\s+be\s+(?:logged|signed)\s+in\b
        |\bcomments?\s+(?:policy|guidelines|moderat\w+)\b|\bno\s+comments\s+(?:for|on)\s+this\b"""
)


def comment_cues(shape: LineShape) -> list[Cue]:
    if shape.n_words <= 12 and _COMMENTS.search(shape.text):
        return [Cue("HY106", 0.9, "comment section text")]
    if shape.n_words <= 16 and _SIGNATURE.match(shape.text) and _is_signature(shape.text):
        return [Cue("HY106", 0.85, SIGNATURE_REASON)]
    if shape.n_words <= 30 and _COMMENT_FORM.search(shape.text):
        return [Cue("HY106", 0.85, "comment form text")]
    return []


SIGNATURE_REASON = "a comment's signature: who posted it and when"
_FULL_DATE = _rx(rf"\b(?:{_MONTHS})\b\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}")


# A comment's time has a clock time, a year, a numeric date or "ago".
_COMMENT_TIME = re.compile(r"\d{1,2}:\d{2}|\b(?:19|20)\d{2}\b|\d{1,2}/\d{1,2}/\d{2,4}|\bago\b")
_POSTED_BY = _rx(r"^(?:posted|submitted|written|comment(?:ed)?)\s+by:?\s+\S+(?:\s+of\s+\S+)?")
_SIGNATURE_PARTS = re.compile(r"(?<!\s)\s+(?:[|·•–—-]|@|at|on)\s+", re.IGNORECASE)


def _is_signature(text: str) -> bool:
    """A name with the time of posting: one part is a timestamp, or a full date and a time;
    the other parts are short, and no sentence ends the line."""
    parts = _SIGNATURE_PARTS.split(_POSTED_BY.sub("", text))
    if text.endswith(".") and not re.search(r"[ap]\.m\.$", text, re.IGNORECASE):
        return False
    if any(len(p.split()) > 6 for p in parts if not _is_timestamp(p)):
        return False
    # The time of a comment is a date or clock time, not a bare weekday.
    if any(_is_timestamp(part) and _COMMENT_TIME.search(part) for part in parts):
        return True
    return bool(_FULL_DATE.search(text)) and bool(re.search(r"\d{1,2}:\d{2}", text))


# --- tags and topics --------------------------------------------------------
_TAG_LABEL = _rx(
    r"""^(?:tags?|tagged|topics?|hashtags?|keywords?|filed\s+under|categories|category|
        related\s+topics|subjects?|posted\s+in|more\s+on)\s*(?:[:|]\s*(?P<rest>.*))?$
        |^(?:posted\s+in|filed\s+under|tagged\s+with)\s+(?P<bare>[^:]*)$"""
)
_HASHTAGS = re.compile(r"^(?:#\w+[\s,]*){2,}$")


def tag_cues(shape: LineShape) -> list[Cue]:
    if _HASHTAGS.match(shape.text):
        return [Cue("HY107", 0.9, "a list of hashtags")]
    match = _TAG_LABEL.match(shape.text)
    if not match:
        return []
    rest = match.group("rest") or match.group("bare")
    if not rest:
        return [Cue("HY107", 0.9, "a tag or topic label")] if shape.n_words <= 3 else []
    items = [i for i in re.split(r"\s*[,|;#·•]\s*", rest) if i]
    if all(len(i.split()) <= 5 for i in items) and not shape.terminal:
        return [Cue("HY107", 0.9, "a list of tags or topics")]
    return []


# --- navigation labels and footers -----------------------------------------
_NAV = _rx(
    r"""^(?:related(?:\s+(?:articles?|stories|news|content|coverage|posts|reading|links|videos?))?
        |more\s+(?:from|on|in|stories|news|articles|headlines)\b.*
        |you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)
        |recommended(?:\s+(?:for\s+you|stories|articles|reading))?
        |most\s+(?:read|popular|viewed|shared|watched)(?:\s+(?:stories|articles|news))?
        |trending(?:\s+(?:now|stories|news))?|popular(?:\s+(?:now|stories|articles))?
        |top\s+(?:stories|news|headlines)|latest(?:\s+(?:news|stories|headlines|videos?))?
        |editor'?s\s+picks?|in\s+case\s+you\s+missed\s+it|what\s+to\s+read\s+next|also\s+read
        |don'?t\s+miss(?:\s+(?:this|these|it))?
        |advertisement|advert|sponsored(?:\s+(?:content|stories|links))?|promoted(?:\s+stories)?
        |skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|print(?:\s+this\s+(?:article|page))?
        |share(?:\s+(?:this|on\s+\w+))?|e-?mail|menu|search|home|next\s+(?:article|story|post)
        |previous(?:\s+(?:article|story|post))?|next|close|up\s+next|see\s+all|view\s+all|show\s+more
        |load\s+more|loading(?:\.\.\.|…)?|tweet|copy\s+link|e-?mail\s+this\s+(?:article|story)
        |report\s+an?\s+(?:error|typo)|suggest\s+a\s+correction|contact\s+us|about\s+us
        |in\s+this\s+article|around\s+the\s+web|in\s+other\s+news|newsletters?|sign\s+in|log\s+in
        |story\s+continues\s+(?:below|after)(?:\s+(?:this\s+|the\s+)?(?:advertisement|ad))?
        |accept(?:\s+all)?(?:\s+cookies)?|manage\s+(?:preferences|cookies|settings)
        |(?:terms\s+of\s+(?:use|service)|privacy\s+policy|cookie\s+policy)(?:\s*[|·•]\s*\w+(?:\s+\w+){0,2})*)
        \s*[:›»>]?$"""
)
# A header over other stories' headlines: a related-articles tail's ("Related
# Articles", "More from ...", "You may also like"), and a teaser block's.
STORIES_HEADER = _rx(
    r"""^(?:related(?:\s+(?:articles?|stories|news|content|coverage|posts|reading|links))?
        |more\s+(?:from|on|in)\b.*|more\s+(?:stories|news|articles|headlines)(?:\s+from\b.*)?
        |you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)
        |recommended(?:\s+(?:for\s+you|stories|articles|reading))?
        |most\s+(?:read|popular|viewed|shared)(?:\s+(?:stories|articles|news))?
        |trending(?:\s+(?:now|stories|news))?|popular\s+(?:now|stories|articles)
        |top\s+(?:stories|news|headlines)|latest(?:\s+(?:news|stories|headlines))?
        |editor'?s\s+picks?|in\s+case\s+you\s+missed\s+it|what\s+to\s+read\s+next
        |(?:also|further)\s+read(?:ing)?|in\s+other\s+news|around\s+the\s+web|read\s+more|read\s+next
        |elsewhere\s+on\s+\S.*|more\s+coverage)\s*[:›»>]?$"""
)
# Labels only a teaser block inside the story uses.
_TEASER_LABEL = _rx(
    r"""^(?:see\s+also|don'?t\s+miss(?:\s+(?:this|these|it))?|up\s+next|read\s+also
        |more\s+(?:stories|news|articles|headlines)\b.*)\s*[:›»>]?$"""
)


def teaser_header(text: str) -> bool:
    """A label over other stories' headlines ("Don't miss", "Related stories")."""
    shape = LineShape.of(text)
    label = shape.text.strip("-–—•|* ")
    return shape.n_words <= 8 and bool(STORIES_HEADER.match(label) or _TEASER_LABEL.match(label))


_SOURCE_LINE = re.compile(r"^[-–—•|]\s*[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3}$")
_FOOTER = _rx(
    r"""^(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}|:|$))|\ball\s+rights\s+reserved\b
        |\bmay\s+not\s+be\s+(?:published|reproduced|broadcast|rewritten|redistributed)\b"""
)


_BREADCRUMB = re.compile(r"^[A-Z][\w&' -]{0,30}(?:\s*[»›>/]\s*[A-Z][\w&' -]{0,30}){1,5}$")
_COOKIES = _rx(
    r"\b(?:we\s+use\s+cookies|use\s+of\s+cookies|accept\s+(?:all\s+)?cookies|cookie\s+(?:settings|preferences|policy|consent))\b"
)


_LIST_SEPARATOR = re.compile(r"(?<!\s)\s+[|•·]\s+|(?<!\s)\s+[|•·]|[|•·]\s+")


def _is_menu(text: str) -> bool:
    """Three or more short items joined by | • or ·: a menu or a share bar."""
    items = [i for i in _LIST_SEPARATOR.split(text) if i.strip()]
    return len(items) >= 3 and all(len(i.split()) <= 4 for i in items)


def navigation_cues(shape: LineShape) -> list[Cue]:
    if _is_menu(shape.text) and not shape.terminal:
        return [Cue("HY108", 0.85, "a menu of links")]
    label = shape.text.strip("-–—•|* ")
    if shape.n_words <= 8 and _NAV.match(label):
        return [Cue("HY108", 0.85, "a navigation or section label")]
    if shape.n_words <= 8 and _BREADCRUMB.match(shape.text) and not shape.terminal:
        return [Cue("HY108", 0.8, "a breadcrumb trail")]
    if shape.n_words <= 40 and _COOKIES.search(shape.text):
        return [Cue("HY108", 0.85, "a cookie notice")]
    if _SOURCE_LINE.match(shape.text):
        return [Cue("HY108", 0.7, "a bare source label")]
    if shape.n_words <= 25 and _FOOTER.search(shape.text):
        return [Cue("HY108", 0.9, "a copyright or rights notice")]
    return []


CUE_FAMILIES: tuple[Callable[[LineShape], list[Cue]], ...] = (
    media_cues,
    timestamp_cues,
    byline_cues,
    caption_cues,
    cta_cues,
    comment_cues,
    tag_cues,
    navigation_cues,
)


def line_cues(text: str) -> list[Cue]:
    """All cues that fire on a line, strongest first."""
    return list(_line_cues(text))


@cached_for_short_lines
def _line_cues(text: str) -> tuple[Cue, ...]:
    shape = LineShape.of(text)
    if not shape.text:
        return ()
    found = [cue for family in CUE_FAMILIES for cue in family(shape)]
    return tuple(sorted(found, key=lambda c: -c.weight))
