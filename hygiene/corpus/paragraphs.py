"""Paragraph fingerprints: how a paragraph is recognised in other documents (HY109).

A paragraph's fingerprint is a digest of its normalised text, so a sign-off
that differs only in case, quotes or spacing is the same paragraph. Sketches
and the archive index keep the first 64 bits.
"""

from __future__ import annotations

import hashlib

from hygiene.document import Segment
from hygiene.segment import Segmented
from hygiene.text import normalise

MIN_PARAGRAPH_CHARS = 25  # shorter ones ("Advertisement") are the furniture rules' business


def paragraph_fingerprints(seg: Segmented) -> list[tuple[bytes, Segment]]:
    """(digest of the normalised text, paragraph) for paragraphs long enough to count."""
    out = []
    for p in seg.paragraphs:
        key = normalise(p.text)
        if len(key) >= MIN_PARAGRAPH_CHARS:
            out.append((hashlib.blake2b(key.encode(), digest_size=12).digest(), p))
    return out


def short(digest: bytes) -> int:
    """The first 64 bits of a fingerprint, as sketches and the index keep it."""
    return int.from_bytes(digest[:8], "big")
