"""Build the planted off-topic training data for the topic models (HY201/HY203).

    .venv/bin/python scripts/topic_data.py [--bench ../shared/bench] [--out build/topic-data]

Real articles are the hosts; what the tool must find is planted into them, so
the labels come from the planting. Each host gives a clean copy and copies
with one plant each:

- ``para-news``: one paragraph (sometimes two in a row) of another article, of
  the same topic (a tf-idf neighbour) or any other, of the same outlet or not;
- ``sent-news``, ``sent-wiki``, ``sent-legal``, ``sent-promo``: one sentence
  inside a paragraph (legal and promotional ones sometimes on a line of their
  own): from another article, a Wikipedia lead, the project's legal and
  promotional sentences (fixtures/sentences);
- ``headline``: another story's headline, alone or with its lede, mid-story or
  at the end.

Hosts and donors: the Reuters stories of neardup/docs (the original of each
cluster), the article lines of boilerplate-big9chaos and of the boilerplate dev
pages, and Wikipedia sentences from the intrusion/ bench (leaving out every
source paragraph that shares text with an intrusion-news intruder). The
boilerplate pages are the intrusion-news hosts: half of those hosts (by a hash
of the name, ``reserved``) is left out entirely, and ``--reserved-bench DIR``
writes the intrusion-news documents of that half, the ones to score on. Every source
article, Wikipedia paragraph and fixture sentence belongs to one split
(train / cal / test, by a hash of its id) and donates only within it.

Output: ``OUT/docs.jsonl.gz``, one record per document: id, split, host, kind,
text, and ``planted``: the spans of planted text with their kind and unit
(``paragraph`` or ``sentence``). It holds bench text: it stays under build/.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hygiene.sentences import split_sentences  # noqa: E402

SPLITS = (("train", 0.6), ("cal", 0.2), ("test", 0.2))
DONATED = ("para-news", "sent-news", "headline")
KINDS = ("para-news", "sent-news", "sent-wiki", "sent-legal", "sent-promo", "headline")
MIN_PROSE_WORDS = 8
# Where another article's text comes from: a topic neighbour, the same outlet, or any.
TOPIC_SHARE, OUTLET_SHARE = 0.3, 0.15
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


@dataclass
class Plan:
    """A document as lines, with planted spans as (line, start, end, kind, unit)."""

    lines: list[str]
    body_start: int  # the first line of the story's body
    planted: list[tuple[int, int, int, str, str]] = field(default_factory=list)

    def insert_line(self, at: int, text: str, kind: str) -> None:
        self.planted = [(i + (i >= at), a, b, k, u) for i, a, b, k, u in self.planted]
        self.lines.insert(at, text)
        self.planted.append((at, 0, len(text), kind, "paragraph"))

    def insert_sentence(self, line: int, position: int, sentence: str, kind: str) -> None:
        parts = sentences(self.lines[line])
        before = " ".join(parts[:position])
        start = len(before) + (1 if before else 0)
        self.lines[line] = " ".join([*parts[:position], sentence, *parts[position:]])
        self.planted.append((line, start, start + len(sentence), kind, "sentence"))

    def render(self, sep: str) -> tuple[str, list[dict[str, object]]]:
        offsets, pos = [], 0
        for line in self.lines:
            offsets.append(pos)
            pos += len(line) + len(sep)
        spans = [
            {"start": offsets[i] + a, "end": offsets[i] + b, "kind": k, "unit": u}
            for i, a, b, k, u in sorted(self.planted)
        ]
        return sep.join(self.lines) + "\n", spans


class Planter:
    def __init__(
        self,
        articles: list[Article],
        pools: dict[str, dict[str, list[tuple[str, str]]]],
        seed: int = 14,
    ) -> None:
        self.rng = random.Random(seed)
        self.relation = ""
        self.by_split: dict[str, list[Article]] = defaultdict(list)
        for a in articles:
            self.by_split[a.split].append(a)
        self.pools = pools
        self.neighbours = {
            split: nearest(group, self.rng) for split, group in self.by_split.items()
        }
        self.by_outlet: dict[tuple[str, str], list[Article]] = defaultdict(list)
        for a in articles:
            self.by_outlet[a.split, a.outlet].append(a)

    def host_plan(self, host: Article) -> Plan:
        """The host as it is shown: front lines, headline (usually), body; Reuters
        paragraphs are sometimes merged in twos and threes, as papers reflow wire copy."""
        body = list(host.body)
        if host.family == "reuters" and self.rng.random() < 0.5:
            body = merge_paragraphs(body, self.rng)
        head = [host.headline] if host.headline and self.rng.random() < 0.75 else []
        return Plan([*host.front, *head, *body], len(host.front) + len(head))

    def donor(self, host: Article, need: str) -> Article | None:
        d, relation = self._donor(host, need)
        self.relation = relation
        return d

    def _donor(self, host: Article, need: str) -> tuple[Article | None, str]:
        """Another article of the same split: a topic neighbour, one of the same
        outlet, or any, that has what is needed (prose, a headline)."""
        split = host.split
        for _ in range(20):
            r = self.rng.random()
            if r < TOPIC_SHARE:
                relation, cands = "topic", self.neighbours[split].get(host.id, [])
            elif r < TOPIC_SHARE + OUTLET_SHARE:
                relation, cands = "outlet", self.by_outlet[split, host.outlet]
            else:
                relation, cands = "any", self.by_split[split]
            if not cands:
                continue
            d = self.rng.choice(cands)
            if d.id == host.id:
                continue
            if need == "prose" and d.prose:
                return d, relation
            if need == "headline" and d.headline and len(d.headline.split()) >= 3 and d.prose:
                return d, relation
        return None, ""

    def plant(self, host: Article, kind: str) -> Plan | None:
        plan = self.host_plan(host)
        first_body = plan.body_start
        prose_lines = [i for i in range(first_body, len(plan.lines)) if is_prose(plan.lines[i])]
        if len(prose_lines) < 3:
            return None
        if kind == "para-news":
            d = self.donor(host, "prose")
            if d is None:
                return None
            at = self.rng.randint(prose_lines[0] + 1, len(plan.lines))
            start = self.rng.randrange(len(d.prose))
            count = 2 if self.rng.random() < 0.25 and start + 1 < len(d.prose) else 1
            for j, para in enumerate(d.prose[start : start + count]):
                plan.insert_line(at + j, para, kind)
            return plan
        if kind == "headline":
            d = self.donor(host, "headline")
            if d is None or d.headline is None:
                return None
            headline = d.headline
            if d.family == "reuters" and host.family != "reuters":
                headline = headline.title()
            at = (
                len(plan.lines)
                if self.rng.random() < 0.4
                else self.rng.randint(prose_lines[0] + 1, len(plan.lines) - 1)
            )
            plan.insert_line(at, headline, kind)
            if self.rng.random() < 0.5:
                plan.insert_line(at + 1, d.prose[0], kind + "-lede")
            return plan
        sentence = self.foreign_sentence(host, kind)
        if sentence is None:
            return None
        if kind in ("sent-legal", "sent-promo") and self.rng.random() < 0.25:
            plan.insert_line(self.rng.randint(prose_lines[0] + 1, len(plan.lines)), sentence, kind)
            return plan
        line = self.rng.choice(prose_lines)
        n = len(sentences(plan.lines[line]))
        lowest = 1 if line == prose_lines[0] else 0  # never the article's first sentence
        plan.insert_sentence(line, self.rng.randint(lowest, n), sentence, kind)
        return plan

    def foreign_sentence(self, host: Article, kind: str) -> str | None:
        if kind == "sent-news":
            d = self.donor(host, "prose")
            if d is None:
                return None
            options = [
                s for p in d.prose for s in sentences(p) if len(s.split()) >= MIN_PROSE_WORDS
            ]
            return self.rng.choice(options) if options else None
        pool = self.pools[kind.removeprefix("sent-")][host.split]
        return self.rng.choice(pool)[1]


def merge_paragraphs(body: list[str], rng: random.Random) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(body):
        size = rng.choice((1, 2, 2, 3))
        group = [body[i]]
        while len(group) < size and i + len(group) < len(body) and is_prose(group[-1]):
            nxt = body[i + len(group)]
            if not is_prose(nxt):
                break
            group.append(nxt)
        out.append(" ".join(group))
        i += len(group)
    return out


def nearest(articles: list[Article], rng: random.Random, k: int = 20) -> dict[str, list[Article]]:
    """Each article's k nearest others by tf-idf cosine of their prose."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [" ".join([a.headline or "", *a.prose]) for a in articles]
    x = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True).fit_transform(texts)
    out: dict[str, list[Article]] = {}
    for lo in range(0, len(articles), 512):
        sims = (x[lo : lo + 512] @ x.T).toarray()
        for row, sim in enumerate(sims):
            sim[lo + row] = -1.0
            top = np.argsort(-sim)[:k]
            out[articles[lo + row].id] = [articles[j] for j in top]
    return out


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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "topic-data")
    parser.add_argument("--reuters-kinds", type=int, default=4, help="plants per Reuters host")
    parser.add_argument("--web-copies", type=int, default=3, help="copies of each web plant")
    parser.add_argument(
        "--reserved-bench",
        type=Path,
        help="only write the intrusion-news documents of reserved hosts to this folder",
    )
    args = parser.parse_args(argv[1:])
    if args.reserved_bench:
        write_reserved_bench(args.bench, args.reserved_bench)
        return 0
    articles = reuters_articles(args.bench) + web_articles(args.bench)
    pools = {"wiki": wiki_pool(args.bench), "legal": fixture_pool("legal")}
    pools["promo"] = fixture_pool("promo")
    planter = Planter(articles, pools)
    args.out.mkdir(parents=True, exist_ok=True)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    with gzip.open(args.out / "docs.jsonl.gz", "wt", encoding="utf-8") as fh:
        for host in articles:
            if len(host.prose) < 3:
                continue
            kinds = (
                list(KINDS) * args.web_copies
                if host.family == "web"
                else planter.rng.sample(KINDS, args.reuters_kinds)
            )
            for copy, kind in enumerate(["clean", *kinds]):
                plan = planter.host_plan(host) if kind == "clean" else planter.plant(host, kind)
                if plan is None:
                    continue
                text, spans = plan.render("\n\n" if planter.rng.random() < 0.3 else "\n")
                for span in spans:
                    span["donor"] = planter.relation if kind in DONATED else "pool"
                record = {
                    "id": f"{host.id}#{kind}#{copy}",
                    "split": host.split,
                    "host": host.id,
                    "family": host.family,
                    "kind": kind,
                    "text": text,
                    "planted": spans,
                }
                fh.write(json.dumps(record) + "\n")
                counts[host.split, kind] += 1
    for (split, kind), n in sorted(counts.items()):
        print(f"{split:5} {kind:10} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
