"""Decide stage: pick the findings to report from what the detectors said.

Detectors may flag the same text twice (a caption that is also a repeated line).
A finding inside another one adds nothing for a reader or for the cleaner, so
it is dropped; among equal spans the more specific category wins.
"""

from __future__ import annotations

from collections.abc import Iterable

from hygiene.findings import Category, Finding
from hygiene.rules import matches

# Which finding speaks for a span flagged more than once.
_PRIORITY = {
    Category.DUPLICATE: 0,
    Category.NEAR_DUPLICATE: 1,
    Category.OFFTOPIC: 2,
    Category.BOILERPLATE: 3,
}


def selected(code: str, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> bool:
    """Whether rule selectors (full codes or prefixes) allow a rule."""
    return (not include or matches(code, include)) and not matches(code, exclude)


def select(
    findings: Iterable[Finding], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> list[Finding]:
    """Findings allowed by rule selectors."""
    return [f for f in findings if selected(f.code, include, exclude)]


def resolve(findings: Iterable[Finding]) -> list[Finding]:
    """Drop findings covered by another finding; sort by position.

    A near-duplicate finding covers its whole document but says something about
    the document, not its text: it never hides the findings inside it, and only
    one is kept."""
    pool = list(findings)
    whole = sorted(
        (f for f in pool if f.category is Category.NEAR_DUPLICATE),
        key=lambda f: (-f.score, f.message),
    )[:1]
    ranked = sorted(
        (f for f in pool if f.category is not Category.NEAR_DUPLICATE),
        key=lambda f: (f.start, -f.end, _PRIORITY[f.category], -f.score, f.code),
    )
    kept: list[Finding] = [*whole]
    reach = -1  # furthest end among kept findings
    for f in ranked:
        if f.end <= reach:
            continue  # inside an earlier, longer or more specific finding
        kept.append(f)
        reach = max(reach, f.end)
    return sorted(kept, key=Finding.sort_key)
