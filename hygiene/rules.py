"""Stable rule codes. A code, once published, keeps its meaning.

HY1xx page furniture (boilerplate), HY2xx off-topic text, HY3xx duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from hygiene.findings import Category


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: Category
    summary: str
    explanation: str
    fixable: bool = True


_B, _D = Category.BOILERPLATE, Category.DUPLICATE

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "HY101",
            "byline",
            _B,
            "Author byline or credit line",
            "A line naming the writer rather than telling the story: 'By Jane Roe', "
            "'Jane Roe, Staff Writer', 'Reporting by ...; Editing by ...', or a bare "
            "personal name standing among other page furniture near the headline.",
        ),
        Rule(
            "HY102",
            "timestamp",
            _B,
            "Bare date, time or 'Updated:' line",
            "A line that holds nothing but a date, a time, a relative time ('29 minutes "
            "ago') or a label such as 'Updated:' / 'Published'. Dates inside sentences "
            "are story text and are never flagged.",
        ),
        Rule(
            "HY103",
            "media-residue",
            _B,
            "Media player residue",
            "Text left behind by embedded audio or video players: bare durations such as "
            "'0:00' or '00:00 / 02:13', 'Play video', 'Listen to this article', "
            "'Now playing'.",
        ),
        Rule(
            "HY104",
            "photo-caption",
            _B,
            "Photo caption with a credit",
            "A caption describing an image, recognised by a photo credit: a closing "
            "'(Name/Agency)' or '(... via ...)', 'Photo: ...', 'Credit: ...', "
            "'Getty Images'. Captions are often scraped twice; the copy is HY301.",
        ),
        Rule(
            "HY105",
            "call-to-action",
            _B,
            "Call to action: subscribe, follow, donate, read more",
            "A line that addresses the reader instead of reporting: newsletter sign-ups, "
            "'follow us' and social networks, subscription and donation appeals, "
            "'KEEP READING', 'Read also: ...', 'Share this article'. Recognised by an "
            "imperative or second-person address together with the vocabulary of such "
            "calls, on a short line.",
        ),
        Rule(
            "HY106",
            "comment-widget",
            _B,
            "Comment section residue",
            "Text of a comment widget: 'Comments', '12 comments', 'No comments yet...', "
            "'Be the first to comment', 'Join the conversation'.",
        ),
        Rule(
            "HY107",
            "tag-list",
            _B,
            "Tag or topic list",
            "A list of tags or topics, or its label alone: 'Tags: budget, council', "
            "'Topics', 'Filed under: ...', 'Hashtags'.",
        ),
        Rule(
            "HY108",
            "navigation",
            _B,
            "Navigation or section label",
            "A short label of the page around the story: 'Related Articles', 'More from "
            "...', 'You may also like', 'Advertisement', 'Skip to content', a bare "
            "'- Outlet' source line, or a short label standing between other page "
            "furniture.",
        ),
        Rule(
            "HY301",
            "repeated-paragraph",
            _D,
            "Paragraph or line repeated in the same file",
            "The same paragraph (after normalising case, spacing and quotes) occurs "
            "earlier in the file: a doubled headline or a caption scraped twice. The "
            "first copy stays; later copies are flagged.",
        ),
    )
}


def get_rule(code: str) -> Rule | None:
    return RULES.get(code.upper())


def matches(code: str, selectors: tuple[str, ...]) -> bool:
    """Whether a code is named by any selector: a full code or a prefix ('HY1')."""
    return any(code.startswith(sel.upper()) for sel in selectors)
