"""Train models/register.json, the sentence register model (news / legal / promo).

Data: the project's own sentences in fixtures/sentences/ (legal.txt, promo.txt,
news.txt; original writing, see its README) plus the sentences of the article
lines of fixtures/corpus (news). A stratified quarter is held out for the
metrics written into the model's metadata; the saved model is then refit on
everything. Run:

    .venv/bin/python scripts/train_register.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ROOT / "fixtures" / "sentences"
CORPUS = ROOT / "fixtures" / "corpus"
LABELS = ROOT / "fixtures" / "corpus-labels"


def corpus_news_sentences() -> list[str]:
    from hygiene.sentences import split_sentences

    out: list[str] = []
    for labels_file in sorted(LABELS.glob("*.labels.json")):
        name = labels_file.name.removesuffix(".labels.json")
        matches = [p for p in CORPUS.glob(name + ".*") if p.suffix in (".txt", ".md")]
        if not matches:
            continue
        labels = json.loads(labels_file.read_text(encoding="utf-8"))
        lines = matches[0].read_text(encoding="utf-8").split("\n")
        for line, label in zip(lines, labels, strict=False):
            if label == "article" and len(line.split()) >= 8:
                out += [line[a:b] for a, b in split_sentences(line)]
    return [s for s in out if len(s.split()) >= 6]


def main() -> int:
    import numpy as np
    from sklearn.metrics import classification_report
    from sklearn.model_selection import train_test_split

    from hygiene.detectors.register import MODEL_FILE, RegisterModel
    from hygiene.embed.onnx import OnnxEmbedder

    texts: list[str] = []
    labels: list[str] = []
    for name in ("legal", "promo", "news"):
        lines = (SENTENCES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        texts += [line for line in lines if line.strip()]
        labels += [name] * sum(1 for line in lines if line.strip())
    extra = corpus_news_sentences()
    texts += extra
    labels += ["news"] * len(extra)
    print(
        f"{len(texts)} sentences: "
        + ", ".join(f"{c} {labels.count(c)}" for c in sorted(set(labels)))
    )

    vectors = OnnxEmbedder().embed(texts)
    y = np.array(labels)
    rows = np.arange(len(texts))
    train, test = train_test_split(rows, test_size=0.25, stratify=y, random_state=0)

    def subset(idx: np.ndarray) -> tuple[list[str], np.ndarray, list[str]]:
        return [texts[i] for i in idx], vectors[idx], [labels[i] for i in idx]

    held = RegisterModel().fit(*subset(train))
    test_texts, test_vectors, test_labels = subset(test)
    proba = held.predict_proba(test_texts, test_vectors)
    predicted = [held.classes_[i] for i in proba.argmax(axis=1)]
    report = classification_report(test_labels, predicted, output_dict=True)
    print("held-out quarter:")
    print(classification_report(test_labels, predicted, digits=3))

    model = RegisterModel().fit(texts, vectors, labels)
    model.meta = {
        "trained_on": "fixtures/sentences/{legal,promo,news}.txt and article sentences of "
        "fixtures/corpus (the project's own writing)",
        "embedding": "all-MiniLM-L6-v2 int8 ONNX (models/minilm-l6-v2-int8.onnx)",
        "examples": {c: labels.count(c) for c in sorted(set(labels))},
        "C": {"embedding": model.c_embedding, "ngram": model.c_ngram},
        "held_out_quarter": {
            c: {k: round(v, 3) for k, v in report[c].items() if k != "support"}
            for c in sorted(set(labels))
        },
    }
    out = ROOT / "models" / MODEL_FILE
    model.save(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
