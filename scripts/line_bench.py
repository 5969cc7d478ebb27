"""The labelled pages the line model learns from, and the site each belongs to.

Reads the dev halves of the four boilerplate benches in ../shared/bench (never
shipped, never read by the tool at run time): each page's lines, their
article/boilerplate labels, and the fine category of the page's own
annotators where it has one (``*.meta.json``). Pages are grouped by site for
cross-validation, so that no fold learns a site's template and is judged on it:

- a page with a URL belongs to its registrable domain (``www.bbc.co.uk`` and
  ``news.bbc.co.uk`` are ``bbc.co.uk``; an archive.org capture is the site
  captured), with the few known aliases of one newsroom merged (bbc.com and
  bbc.co.uk, nymag.com and its vulture.com and grubstreet.com);
- a Big9 page (nine news sites, 2005-2017) without a URL belongs to the one of
  the nine sites its text names most often ("Ars Technica", "BBC", "Fox News",
  ...): all years of a site form one group;
- any other page without a URL is a group of its own topic (``b9c-chaos-NAME-3``
  -> ``chaos:NAME``).

The same page in a full-page bench and its extracted bench shares its group.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:
    from hygiene.segment import Segmented

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench"
BENCHES = (
    "boilerplate",
    "boilerplate-extracted",
    "boilerplate-big9chaos",
    "boilerplate-big9chaos-extracted",
)
_ARCHIVED = re.compile(r"^https?://(?:web(?:-beta)?\.)?archive\.org/web/\d+[a-z_]*/(.*)$")
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"})
ALIASES = {
    "bbc.com": "bbc.co.uk",
    "vulture.com": "nymag.com",
    "grubstreet.com": "nymag.com",
    "foxbusiness.com": "foxnews.com",
    "theguardian.com": "guardian.co.uk",
}
BIG9 = {
    "arstechnica.com": r"ars ?technica",
    "bbc.co.uk": r"\bbbc\b",
    "cnn.com": r"\bcnn\b",
    "forbes.com": r"forbes",
    "foxnews.com": r"fox ?news",
    "latimes.com": r"los angeles times|latimes",
    "nymag.com": r"new york magazine|nymag|\bvulture\b",
    "nypost.com": r"new york post|nypost",
    "yahoo.com": r"yahoo",
}


@dataclass(frozen=True)
class Page:
    bench: str
    id: str
    group: str
    text: str
    labels: list[str]  # per line of text.split("\n")
    categories: list[str]  # the annotators' fine category per line ("" where none)


def domain(url: str) -> str:
    """The registrable domain of a URL, with an archived capture's own URL unwrapped."""
    archived = _ARCHIVED.match(url)
    if archived:
        inner = archived.group(1)
        url = inner if "://" in inner else "http://" + inner
    host = (urlparse(url).hostname or "").lower()
    parts = host.split(".")
    keep = 3 if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2 else 2
    name = ".".join(parts[-keep:])
    return ALIASES.get(name, name)


def site_group(meta: dict[str, object], text: str) -> str:
    url = str(meta.get("url") or "")
    if url:
        return domain(url)
    page_id = str(meta["id"])
    if re.match(r"b9c-(?:2005|2009|2013|2017)-", page_id):
        lower = text.lower()
        counts = Counter({site: len(re.findall(rx, lower)) for site, rx in BIG9.items()})
        site, hits = counts.most_common(1)[0]
        return site if hits else "big9:unknown"
    parts = page_id.split("-")
    return f"{parts[1]}:{parts[2]}" if len(parts) > 2 else page_id


def load_pages(benches: tuple[str, ...] = BENCHES) -> list[Page]:
    pages = []
    for bench in benches:
        folder = BENCH / bench
        for labels_file in sorted(folder.glob("*.labels.json")):
            page_id = labels_file.name.removesuffix(".labels.json")
            text = (folder / f"{page_id}.txt").read_text(encoding="utf-8")
            meta = json.loads((folder / f"{page_id}.meta.json").read_text(encoding="utf-8"))
            labels = json.loads(labels_file.read_text(encoding="utf-8"))
            lines = text.split("\n")
            labels += ["blank"] * (len(lines) - len(labels))
            categories = list(meta.get("categories") or [])
            categories += [""] * (len(lines) - len(categories))
            pages.append(Page(bench, page_id, "", text, labels, categories))
    # The group comes from the full-page text where there is one (the extracted copy
    # may have lost the footer naming the site).
    full_text = {p.id: p.text for p in pages if not p.bench.endswith("-extracted")}
    return [
        Page(
            p.bench,
            p.id,
            site_group(_meta(p), full_text.get(p.id, p.text)),
            p.text,
            p.labels,
            p.categories,
        )
        for p in pages
    ]


def _meta(page: Page) -> dict[str, object]:
    path = BENCH / page.bench / f"{page.id}.meta.json"
    meta: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return meta


if __name__ == "__main__":
    loaded = load_pages()
    groups = Counter(p.group for p in loaded)
    print(f"{len(loaded)} pages, {len(groups)} site groups; largest: {groups.most_common(12)}")


# --- the pages as the tool sees them ---------------------------------------------------------


@dataclass
class Lines:
    """Every paragraph of every page, one row each, as the tool segments them."""

    texts: list[str]
    y: list[int]  # 1 furniture, 0 article, -1 not scored (blank)
    kind: list[str]  # the weak kind label of a furniture line (see kind_label)
    page: list[int]  # index into the pages
    bench: list[str]
    group: list[str]
    chars: list[int]
    starts: list[int]  # first row of each page, and the total at the end
    pages: list[str]  # bench/id of each page
    segs: list[Segmented]  # each page as the tool segments it


def kind_label(text: str, category: str) -> str:
    """The HY1xx kind of a furniture line, for training the kind head.

    The benches say furniture or not; only L3S-GN1's annotators said which
    (comments, supplemental = bylines, dates and captions, related, navigation).
    A strong hand-written cue names the kind where it fires; L3S's supplemental
    lines without one are split by shape; everything else is navigation.
    """
    from hygiene.detectors.cues import LineShape, line_cues, looks_like_name, mentions_date

    if category == "comments":
        return "HY106"
    cues = line_cues(text)
    if cues and cues[0].weight >= 0.5:
        return cues[0].code
    if category == "supplemental":
        shape = LineShape.of(text)
        if mentions_date(shape) and shape.n_words <= 12:
            return "HY102"
        if looks_like_name(shape) or shape.n_words <= 5:
            return "HY101"
        return "HY104"
    return "HY108"


def page_lines(pages: list[Page]) -> Lines:
    from hygiene.document import Document
    from hygiene.segment import segment

    out = Lines([], [], [], [], [], [], [], [], [], [])
    for index, page in enumerate(pages):
        out.starts.append(len(out.texts))
        seg = segment(Document(id=page.id, path=page.id, text=page.text))
        out.pages.append(f"{page.bench}/{page.id}")
        out.segs.append(seg)
        for para in seg.paragraphs:
            label, category = page.labels[para.line - 1], page.categories[para.line - 1]
            y = {"boilerplate": 1, "article": 0}.get(label, -1)
            out.texts.append(para.text)
            out.y.append(y)
            out.kind.append(kind_label(para.text, category) if y == 1 else "")
            out.page.append(index)
            out.bench.append(page.bench)
            out.group.append(page.group)
            out.chars.append(len(para.text))
    out.starts.append(len(out.texts))
    return out


def figures(flagged: object, lines: Lines, bench: str) -> dict[str, float]:
    """Character and line figures of flagged lines on one bench, as score_findings.py
    counts them: furniture characters found, article lines flagged."""
    import numpy as np

    f = np.asarray(flagged, dtype=bool)
    y, chars = np.array(lines.y), np.array(lines.chars)
    m = (np.array(lines.bench) == bench) & (y >= 0)
    f, y, chars = f[m], y[m] == 1, chars[m]
    tp, fp, fn = chars[f & y].sum(), chars[f & ~y].sum(), chars[~f & y].sum()
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {
        "charP": round(float(p), 3),
        "charR": round(float(r), 3),
        "charF1": round(float(2 * p * r / max(p + r, 1e-9)), 3),
        "lineP": round(float((f & y).sum() / max(f.sum(), 1)), 3),
        "lineR": round(float((f & y).sum() / max(y.sum(), 1)), 3),
        "false_alarms_per_1000": round(float((f & ~y).sum() / max((~y).sum(), 1) * 1000), 2),
    }
