"""Stable rule codes. A code, once published, keeps its meaning.

HY1xx page furniture (boilerplate), HY2xx off-topic text, HY3xx duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """What a rule's findings are: furniture, foreign text, or duplicated text."""

    BOILERPLATE = "boilerplate"
    OFFTOPIC = "offtopic"
    DUPLICATE = "duplicate"
    NEAR_DUPLICATE = "near-duplicate"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: Category
    summary: str
    explanation: str
    fixable: bool = True

    @property
    def severity(self) -> str:
        """error for text foreign to the story or whole duplicate documents; warning
        for page furniture and repeats, which are cut but do not mislead."""
        if self.category in (Category.OFFTOPIC, Category.NEAR_DUPLICATE):
            return "error"
        return "warning"


_B, _O, _D = Category.BOILERPLATE, Category.OFFTOPIC, Category.DUPLICATE

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "HY101",
            "byline",
            _B,
            "Author byline or credit line",
            "A line naming the writer rather than telling the story: 'By Jane Roe', "
            "'Jane Roe, Staff Writer', 'Reporting by ...; Editing by ...', a name with a "
            "role in any words ('Marco Bellini | Transport Reporter'), '... contributed "
            "reporting from ...', or a bare personal name standing among other page "
            "furniture near the headline. Lines without a written cue are judged by the "
            "learned line model (see HY108).",
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
            "'Now playing'. An unstarted player's clock run into an article paragraph "
            "('... four years. 0:00 / 2:13 Watch: ...') is flagged alone.",
        ),
        Rule(
            "HY104",
            "photo-caption",
            _B,
            "Photo caption with a credit",
            "A caption describing an image, recognised by a photo credit: a closing "
            "'(Name/Agency)' or '(... via ...)', 'Photo: ...', 'Credit: ...', "
            "'Getty Images'; or by its form and place: 'Pictured: ...', a gallery "
            "counter ('1 of 12'), a caption beside a separate credit line. A credit run "
            "into the last sentence of an article paragraph is flagged alone, and the "
            "paragraph stays. Captions are often scraped twice; the copy is HY301.",
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
            "calls, on a short line, or by the learned line model. A call glued to the "
            "start or end of an article paragraph ('... Click here to read more.') is "
            "flagged alone, and the paragraph stays.",
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
            "'- Outlet' source line, a copyright notice, a menu of links, the headlines "
            "of other stories (a teaser block under its label, a related list), an "
            "advertisement marker run into a paragraph ('Story continues below "
            "advertisement'), flagged alone. Every paragraph is "
            "scored by a learned line model (trained on real labelled pages: the line's "
            "cues and shape, its place on the page and its embedding); a furniture line "
            "that no written cue explains gets the rule of the kind the model names, "
            "and navigation when it is none of the others.",
        ),
        Rule(
            "HY109",
            "repeated-across-documents",
            _B,
            "Paragraph repeated across many documents of the corpus",
            "A paragraph that recurs word for word (after normalising case, spacing and "
            "punctuation) in many unrelated documents of the same corpus: outlet "
            "sign-offs, disclaimers, calls to action. Copies inside one near-duplicate "
            "cluster count once, so a reprinted story's lead is not boilerplate. Needs the "
            "whole corpus (hygiene report / check over a folder, or the archive index).",
        ),
        Rule(
            "HY201",
            "offtopic-paragraph",
            _O,
            "Paragraph about something else than its document",
            "A paragraph or line that belongs to another story: a pasted paragraph, or "
            "another story's headline (with or without its lede) inside the body; short "
            "lines are judged too. A learned model (models/topic-paragraph.json) reads how "
            "the paragraph stands against the rest of its own document: embedding cosine "
            "(all-MiniLM-L6-v2) to the other paragraphs, to its neighbours, to the first "
            "paragraph and its best match anywhere; the share of its content words, names "
            "and numbers found elsewhere; its length, position and shape. A lone sentence "
            "of legal or promotional language is HY203. "
            "The thresholds keep clean news articles flagged by HY2 rules to about 1 % "
            "(models/topic.json); the message says what the paragraph was compared with.",
        ),
        Rule(
            "HY202",
            "related-tail",
            _O,
            "Related-articles tail after the story",
            "A run of other stories glued after the article: a header such as 'Related "
            "Articles' or 'More from ...', then units of a headline and a lede, often with "
            "an outlet name and a time ('29 minutes ago'). The whole run is one finding, "
            "even when a related story shares the article's topic: it is recognised by "
            "its shape (position, header, headline-lede rhythm, outlet and time lines). "
            "Without a header or such lines, another story glued after the article is "
            "found by its headline and its distance from the story in embedding space "
            "(it must be no longer than the story before it).",
        ),
        Rule(
            "HY203",
            "foreign-sentence",
            _O,
            "Sentence foreign to the paragraph and document around it",
            "One sentence inside an otherwise sound paragraph that belongs elsewhere: a "
            "sentence of another story, of an encyclopedia, or legal/regulatory or "
            "promotional language in a story that is not. A learned model scores it against "
            "the rest of its document and of its paragraph (models/topic-sentence.json, as "
            "HY201 per sentence), and the register model's legal or promotional probability "
            "counts where the rest of the document is not in that register; quoted or "
            "reported speech is never foreign by register. Only that sentence is flagged; "
            "the paragraph stays. A lone sentence of legal or promotional language, a "
            "paragraph of its own, is HY203 too.",
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
        Rule(
            "HY311",
            "near-duplicate",
            Category.NEAR_DUPLICATE,
            "Near-duplicate of another document (reprint, wire copy, light edit)",
            "The document is the same story as another one: MinHash over character "
            "5-grams of its story text (furniture left out) finds it, and the pair is "
            "verified by estimated Jaccard similarity or, for a copy abridged to the "
            "lead, by containment in the longer text. Every member of a cluster but the "
            "one kept (--keep first-path, longest or earliest) gets this finding.",
            fixable=False,
        ),
    )
}


def get_rule(code: str) -> Rule | None:
    return RULES.get(code.upper())


def matches(code: str, selectors: tuple[str, ...]) -> bool:
    """Whether a code is named by any selector: a full code or a prefix ('HY1')."""
    return any(code.startswith(sel.upper()) for sel in selectors)
