"""The real text the planted topic data is made of (scripts/topic_data.py).

Source articles (Reuters stories, article lines of the full-page dev benches,
but for the reserved half of the intrusion-news hosts), Wikipedia sentences and
the project's legal and promotional sentences, each assigned to a split (train
/ cal / test) by a stable hash of its id.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hygiene.sentences import split_sentences  # noqa: E402

SPLITS = (("train", 0.6), ("cal", 0.2), ("test", 0.2))
MIN_PROSE_WORDS = 8
_TERMINAL = (".", "!", "?", '"', "”", "'", "’", ")")


def split_of(key: str) -> str:
    """train / cal / test by a stable hash of a source id."""
    x = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") / 2**64
    for name, share in SPLITS:
        if x < share:
            return name
        x -= share
    return SPLITS[-1][0]


def is_prose(line: str) -> bool:
    """A whole paragraph of prose: long enough, starting and ending like a sentence."""
    first = line[:1]
    starts = first.isupper() or first.isdigit() or first in "\"“‘'("
    return starts and len(line.split()) >= MIN_PROSE_WORDS and line.rstrip().endswith(_TERMINAL)


def is_fragment(line: str) -> bool:
    """A piece of a paragraph broken by a line wrap (OCR'd copy): not a host line."""
    return line[:1].islower() or line.rstrip().endswith("-")


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@dataclass
class Article:
    id: str
    family: str  # reuters | web
    outlet: str
    front: list[str]  # lines before the headline (an outlet or kicker line)
    headline: str | None
    body: list[str]
    split: str = field(init=False)

    def __post_init__(self) -> None:
        self.split = split_of(self.id)

    @property
    def prose(self) -> list[str]:
        return [p for p in self.body if is_prose(p)]


# --- sources ---------------------------------------------------------------------------------


def reuters_articles(bench: Path) -> list[Article]:
    """The original of each neardup cluster: front lines, the headline, the body."""
    folder = bench / "neardup"
    out = []
    for line in (folder / "variants.jsonl").read_text(encoding="utf-8").splitlines():
        v = json.loads(line)
        if v["tier"] != "original":
            continue
        lines = [x.strip() for x in (folder / "docs" / v["file"]).read_text("utf-8").split("\n")]
        lines = [x for x in lines if x]
        first = next((i for i, x in enumerate(lines) if len(x.split()) >= MIN_PROSE_WORDS), None)
        if first is None or first == 0 or any(is_fragment(x) for x in lines[first:]):
            continue
        outlet = lines[0] if first >= 2 else "wire"
        out.append(
            Article(
                f"reuters:{v['file']}",
                "reuters",
                outlet.split(" -- ")[0],
                lines[: first - 1],
                lines[first - 1],
                lines[first:],
            )
        )
    return out


def reserved(host: str) -> bool:
    """Half of the intrusion-news host articles, by a hash of their name: never used
    here (not as hosts, not as donors), so intrusion-news can be scored on them."""
    return int.from_bytes(hashlib.blake2b(f"reserve:{host}".encode()).digest()[:8], "big") % 2 == 0


def intrusion_news_hosts(bench: Path) -> set[str]:
    return {
        json.loads(p.read_text("utf-8"))["host"]
        for p in (bench / "intrusion-news").glob("*.meta.json")
    }


def web_articles(bench: Path) -> list[Article]:
    """Article lines of big9chaos and of the boilerplate pages, but for the
    intrusion-news hosts of the reserved half."""
    hosts = intrusion_news_hosts(bench)
    out = []
    for folder in ("boilerplate-big9chaos", "boilerplate"):
        for labels_path in sorted((bench / folder).glob("*.labels.json")):
            name = labels_path.name.removesuffix(".labels.json")
            if name in hosts and reserved(name):
                continue
            labels = json.loads(labels_path.read_text("utf-8"))
            meta = json.loads((bench / folder / f"{name}.meta.json").read_text("utf-8"))
            lines = (bench / folder / f"{name}.txt").read_text("utf-8").split("\n")
            cats = meta.get("categories", [])
            headline = None
            body = []
            for i, (line, label) in enumerate(zip(lines, labels, strict=False)):
                if label != "article" or not line.strip():
                    continue
                if i < len(cats) and cats[i] == "headline" and headline is None and not body:
                    headline = line.strip()
                else:
                    body.append(line.strip())
            url = str(meta.get("url") or meta.get("path") or name)
            outlet = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
            out.append(Article(f"{folder}:{name}", "web", outlet, [], headline, body))
    return out


def wiki_pool(bench: Path) -> dict[str, list[tuple[str, str]]]:
    """Per split, (source paragraph id, sentence) from the intrusion/ bench's clean
    Wikipedia leads, without any paragraph that shares text with intrusion-news."""
    banned = set()
    for gold_path in (bench / "intrusion-news").glob("*-intr-wiki.gold.json"):
        gold = json.loads(gold_path.read_text("utf-8"))
        lines = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt")).read_text("utf-8")
        for span in gold["spans"]:
            banned |= grams(lines.split("\n")[span["line"] - 1][span["start"] : span["end"]])
    pool: dict[str, list[tuple[str, str]]] = defaultdict(list)
    tainted = set()
    texts: dict[str, str] = {}
    for meta_path in sorted((bench / "intrusion").glob("*.meta.json")):
        meta = json.loads(meta_path.read_text("utf-8"))
        text = meta_path.with_name(meta_path.name.replace(".meta.json", ".txt")).read_text("utf-8")
        if grams(text) & banned:
            tainted.add(meta["file_id"])
        if meta["kind"] == "clean":
            texts[meta["file_id"]] = text
    for file_id, text in sorted(texts.items()):
        if file_id in tainted:
            continue
        key = f"wiki:{file_id}"
        for s in sentences(text.strip()):
            if len(s.split()) >= MIN_PROSE_WORDS:
                pool[split_of(key)].append((key, s))
    return pool


def grams(text: str, n: int = 7) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def fixture_pool(name: str) -> dict[str, list[tuple[str, str]]]:
    pool: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in (ROOT / "fixtures" / "sentences" / f"{name}.txt").read_text("utf-8").splitlines():
        if line.strip():
            key = f"{name}:{line.strip()}"
            pool[split_of(key)].append((key, line.strip()))
    return pool


# --- planting --------------------------------------------------------------------------------


def write_reserved_bench(bench: Path, out: Path) -> None:
    """A copy of intrusion-news holding only the documents of reserved hosts (for
    scoring the bench on host articles the models never saw)."""
    out.mkdir(parents=True, exist_ok=True)
    for meta_path in sorted((bench / "intrusion-news").glob("*.meta.json")):
        if reserved(json.loads(meta_path.read_text("utf-8"))["host"]):
            stem = meta_path.name.removesuffix(".meta.json")
            for suffix in (".txt", ".gold.json", ".meta.json"):
                source = bench / "intrusion-news" / f"{stem}{suffix}"
                (out / source.name).write_bytes(source.read_bytes())
