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
import json
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "scripts"))

from topic_sources import (  # noqa: E402
    MIN_PROSE_WORDS,
    Article,
    fixture_pool,
    is_prose,
    reuters_articles,
    sentences,
    web_articles,
    wiki_pool,
    write_reserved_bench,
)

DONATED = ("para-news", "sent-news", "headline")
KINDS = ("para-news", "sent-news", "sent-wiki", "sent-legal", "sent-promo", "headline")
# Where another article's text comes from: a topic neighbour, the same outlet, or any.
TOPIC_SHARE, OUTLET_SHARE = 0.3, 0.15


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
