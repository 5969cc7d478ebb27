"""HY301: a paragraph repeated inside one file (doubled headline, caption twice)."""

from __future__ import annotations

import re
import unicodedata

from hygiene.findings import Finding, finding
from hygiene.segment import Segmented

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Comparison key: case, quotes, punctuation and spacing do not matter."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _NON_WORD.sub(" ", text).strip()


class RepeatedParagraphDetector:
    name = "repeated"
    codes: tuple[str, ...] = ("HY301",)

    def __init__(self, min_chars: int = 16, min_words: int = 3) -> None:
        # Short labels ("Yahoo", "Comments") repeat legitimately in lists and are
        # the furniture detector's business; a repeated sentence is not.
        self.min_chars = min_chars
        self.min_words = min_words

    def detect(self, seg: Segmented) -> list[Finding]:
        first_seen: dict[str, int] = {}
        findings: list[Finding] = []
        for para in seg.paragraphs:
            key = normalise(para.text)
            if len(key) < self.min_chars or key.count(" ") + 1 < self.min_words:
                continue
            if key in first_seen:
                line = first_seen[key]
                message = f"repeats line {line} of this file"
                findings.append(finding("HY301", para, 1.0, message))
            else:
                first_seen[key] = para.line
        return findings
