"""Train models/line-model-synthetic.json, the line model of synthetic pages.

It is main's learned half of the furniture decision (``hygiene.detectors.synthetic``);
the model learned from real pages (``scripts/train_line_model.py``) adds to it.

Training data is the project's own:
- the gold-labelled example corpus (fixtures/corpus + fixtures/corpus-labels);
- synthetic pages assembled from the project's own writing: article paragraphs
  from fixtures/sentences/news.txt, furniture lines from
  fixtures/lines/furniture.txt, short article lines from
  fixtures/lines/article.txt, and the navigation labels, comment threads and
  related-story lists written below. Pages come in two shapes, an extracted
  article with residue and a full page with menus, related lists, comments
  and footers, so the model learns where furniture sits, not only how it reads.

A fifth of the documents is held out for the metrics stored with the model;
the saved model is refit on everything.

    .venv/bin/python scripts/train_synthetic_line_model.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures"

C = 0.3  # regularisation: synthetic pages are cleaner than real ones
SECTIONS = (
    "Home News World Politics Business Markets Economy Tech Science Health Sport Football "
    "Tennis Cricket Golf Culture Arts Books Film Music Travel Food Style Opinion Editorials "
    "Letters Obituaries Weather Video Podcasts Photos Local Region Nation Education Climate "
    "Environment Property Cars Jobs Classifieds Puzzles Crosswords Horoscopes Events Subscribe "
    "Newsletters Archive Contact About Advertise Careers Help Sitemap Privacy Terms Login Register"
).split()
MULTI = [
    "Latest news",
    "Most read",
    "Top stories",
    "Local news",
    "In pictures",
    "Live scores",
    "Contact us",
    "About us",
    "Privacy policy",
    "Terms of use",
    "Cookie settings",
    "Manage subscription",
    "Sign in",
    "E-paper",
    "Your account",
    "Send us a tip",
    "Corrections policy",
    "Ethics policy",
    "Work with us",
    "Advertise with us",
]
NAMES = "Ana Ben Chloe Dev Elif Femi Greta Hugo Ines Jon Kemal Lena Milo Nadia Omar Priya".split()
SURNAMES = "Alves Brandt Costa Dahl Eze Fischer Garcia Hale Ito Jensen Kowal Lind Mora".split()


def read_lines(path: Path) -> list[str]:
    return [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


class Material:
    def __init__(self) -> None:
        self.news = read_lines(FIX / "sentences" / "news.txt")
        self.furniture = read_lines(FIX / "lines" / "furniture.txt")
        self.short_article = read_lines(FIX / "lines" / "article.txt")

    def paragraph(self, rng: random.Random) -> str:
        return " ".join(rng.sample(self.news, rng.randint(1, 4)))

    def article_piece(self, rng: random.Random, first: bool) -> list[str]:
        """Article text as archives hold it: mostly paragraphs, also subheadings, lists,
        one-line paragraphs and paragraphs broken in two by a stray line break."""
        roll = rng.random()
        if first or roll < 0.6:
            return [self.paragraph(rng)]
        if roll < 0.72:
            return [rng.choice(self.short_article), self.paragraph(rng)]
        if roll < 0.8:
            bullet = rng.choice(["", "- ", "• ", "* "])
            items = [bullet + self.headline(rng) for _ in range(rng.randint(3, 8))]
            return [self.paragraph(rng), *items]
        if roll < 0.9:
            return [min(rng.sample(self.news, 3), key=len)]
        words = self.paragraph(rng).split()
        cut = rng.randint(1, max(1, len(words) - 1))
        return [" ".join(words[:cut]), " ".join(words[cut:])]

    def headline(self, rng: random.Random) -> str:
        words = rng.choice(self.news).rstrip(".!?\"'").split()
        return " ".join(words[: rng.randint(5, 12)])

    def nav(self, rng: random.Random, n: int) -> list[str]:
        pool = SECTIONS + MULTI
        return rng.sample(pool, min(n, len(pool)))

    def comment_thread(self, rng: random.Random) -> list[str]:
        lines = [
            rng.choice(["Comments", f"{rng.randint(2, 90)} comments", "Join the conversation"])
        ]
        for _ in range(rng.randint(2, 6)):
            user = rng.choice(NAMES).lower() + str(rng.randint(1, 999))
            lines += [user, f"{rng.randint(1, 23)} hours ago", rng.choice(self.news)]
            if rng.random() < 0.5:
                lines.append(rng.choice(["Reply", "Report", f"{rng.randint(1, 40)} likes"]))
        return lines


def synthetic_page(rng: random.Random, m: Material) -> tuple[list[str], list[int]]:
    """A page's paragraphs and labels (1 = furniture), in one of two shapes."""
    lines: list[tuple[str, int]] = []
    full = rng.random() < 0.5

    def junk(items: list[str]) -> None:
        lines.extend((x, 1) for x in items)

    if full:
        junk(m.nav(rng, rng.randint(4, 14)))
        if rng.random() < 0.5:
            junk([" » ".join(m.nav(rng, 3))])
    lines.append((m.headline(rng), 0))
    junk(rng.sample(m.furniture, rng.randint(0, 3)))
    for i in range(rng.randint(3, 14)):
        lines.extend((text, 0) for text in m.article_piece(rng, first=i == 0))
        if rng.random() < 0.08:
            junk(rng.sample(m.furniture, rng.randint(1, 2)))
    junk(rng.sample(m.furniture, rng.randint(0, 4)))
    if rng.random() < (0.7 if full else 0.3):
        junk(
            [rng.choice(["Related stories", "More from this section", "Most read", "Recommended"])]
        )
        junk([m.headline(rng) for _ in range(rng.randint(2, 6))])
    if rng.random() < (0.5 if full else 0.15):
        junk(m.comment_thread(rng))
    if full:
        junk(m.nav(rng, rng.randint(5, 20)))
        owner = f"{rng.choice(SURNAMES)} Media Group"
        junk([f"© {rng.randint(2005, 2026)} {owner}. All rights reserved."])
    return [t for t, _ in lines], [y for _, y in lines]


def corpus_documents() -> list[tuple[list[str], list[int]]]:
    """The example corpus: paragraphs with furniture labels (off-topic lines left out)."""
    from hygiene.read import iter_documents
    from hygiene.segment import segment

    docs = []
    for labels_file in sorted((FIX / "corpus-labels").glob("*.labels.json")):
        name = labels_file.name.removesuffix(".labels.json")
        paths = [p for p in (FIX / "corpus").glob(name + ".*") if p.suffix in (".txt", ".md")]
        if not paths:
            continue
        labels = json.loads(labels_file.read_text(encoding="utf-8"))
        for doc in iter_documents([str(paths[0])]):
            seg = segment(doc)  # type: ignore[arg-type]
            texts, ys = [], []
            for para in seg.paragraphs:
                label = labels[para.line - 1]
                if label in ("article", "boilerplate"):
                    texts.append(para.text)
                    ys.append(int(label == "boilerplate"))
            docs.append((texts, ys))
    return docs


def featurise(docs: list[tuple[list[str], list[int]]]):  # type: ignore[no-untyped-def]
    import numpy as np

    from hygiene.detectors.synthetic import line_features

    xs, ys = [], []
    for texts, labels in docs:
        xs.append(line_features(texts))
        ys += labels
    return np.vstack(xs), np.array(ys)


def main() -> int:
    from sklearn.metrics import precision_recall_fscore_support

    from hygiene.detectors.synthetic import MODEL_FILE, SyntheticLineModel

    rng = random.Random(0)
    material = Material()
    docs = corpus_documents() + [synthetic_page(rng, material) for _ in range(1500)]
    rng.shuffle(docs)
    cut = len(docs) // 5
    held_x, held_y = featurise(docs[:cut])
    train_x, train_y = featurise(docs[cut:])
    model = SyntheticLineModel().fit(train_x, list(train_y), c=C)
    predicted = model.predict_proba(held_x) >= model.threshold
    p, r, f1, _ = precision_recall_fscore_support(held_y, predicted, average="binary")
    print(f"held-out fifth: furniture precision {p:.3f} recall {r:.3f} F1 {f1:.3f}")
    all_x, all_y = featurise(docs)
    final = SyntheticLineModel().fit(all_x, list(all_y), c=C)
    final.meta = {
        "trained_on": "fixtures/corpus (gold labels) and 1500 synthetic pages assembled from "
        "fixtures/sentences/news.txt, fixtures/lines/*.txt and the labels in "
        "scripts/train_synthetic_line_model.py (all the project's own writing)",
        "lines": len(all_y),
        "held_out_fifth": {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3)},
    }
    out = ROOT / "models" / MODEL_FILE
    final.save(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
