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
    from sklearn.model_selection import cross_val_score, train_test_split

    from hygiene.embed import OnnxEmbedder
    from hygiene.register import MODEL_FILE, RegisterModel, features

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

    x = features(texts, OnnxEmbedder().embed(texts))
    y = np.array(labels)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, stratify=y, random_state=0
    )
    from sklearn.linear_model import LogisticRegression

    best_c, best = 1.0, -1.0
    for c in (0.3, 1.0, 3.0, 10.0):
        lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        score = cross_val_score(lr, x_train, y_train, cv=5, scoring="f1_macro").mean()
        print(f"C={c}: cross-validated macro F1 {score:.3f}")
        if score > best:
            best_c, best = c, score
    held = RegisterModel(c=best_c).fit(x_train, list(y_train))
    predicted = np.array(held.classes_)[held.predict_proba(x_test).argmax(axis=1)]
    report = classification_report(y_test, predicted, output_dict=True)
    print(classification_report(y_test, predicted, digits=3))

    model = RegisterModel(c=best_c).fit(x, list(y))
    model.meta = {
        "trained_on": "fixtures/sentences/{legal,promo,news}.txt and article sentences of "
        "fixtures/corpus (the project's own writing)",
        "embedding": "all-MiniLM-L6-v2 int8 ONNX (models/minilm-l6-v2-int8.onnx)",
        "examples": {c: labels.count(c) for c in sorted(set(labels))},
        "C": best_c,
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
