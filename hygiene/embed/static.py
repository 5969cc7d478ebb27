"""A static embedding distilled from all-MiniLM-L6-v2: a cheap first look.

Every token of MiniLM's vocabulary has one vector (``models/static-minilm.npy``,
built by ``scripts/build_static_model.py``); a text's vector is the normalised
sum of its tokens' vectors. It costs microseconds where the transformer costs
milliseconds, and agrees with it well enough to say which documents are worth
MiniLM's time (never to give a verdict of its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hygiene import assets
from hygiene.embed import MAX_TOKENS, MODEL_NAME, TOKENIZER_FILE

if TYPE_CHECKING:
    from hygiene.embed import Vectors

STATIC_FILE = "static-minilm.npy"


class StaticEmbedder:
    """Token vectors summed and normalised; deterministic and batch-independent."""

    name = f"{MODEL_NAME} (static, distilled)"

    def __init__(self, table_file: Path | None = None) -> None:
        import numpy as np
        from tokenizers import Tokenizer

        path = table_file or assets.model_file(STATIC_FILE)
        tokenizer = assets.model_file(TOKENIZER_FILE)
        try:
            # Kept as stored (float16): converting the whole table costs 75 ms a process,
            # the rows a call looks up are converted as they are summed.
            self._table = np.load(path, allow_pickle=False)
            self._tokenizer = Tokenizer.from_file(str(tokenizer))
        except Exception as exc:  # numpy and tokenizers raise their own types
            raise assets.ModelError(
                f"model file {path} could not be loaded ({exc}); "
                f"{assets.how_to_restore(STATIC_FILE)}"
            ) from exc
        if self._table.ndim != 2 or len(self._table) != self._tokenizer.get_vocab_size():
            raise assets.version_mismatch(
                STATIC_FILE, path, "does not match the tokenizer's vocabulary"
            )
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self.dim = self._table.shape[1]

    def embed(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoded = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        ids = [e.ids[:MAX_TOKENS] for e in encoded]
        lengths = np.array([len(i) for i in ids])
        flat = np.fromiter((t for i in ids for t in i), dtype=np.int64, count=int(lengths.sum()))
        sums = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Each text's rows are contiguous in `flat`: one reduceat sums them all (np.add.at
        # is an order of magnitude slower); texts without tokens keep a zero row.
        some = lengths > 0
        if some.any():
            starts = np.cumsum(lengths) - lengths
            rows = self._table[flat].astype(np.float32)
            sums[some] = np.add.reduceat(rows, starts[some], axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        unit: Vectors = sums / np.clip(norms, 1e-12, None)
        return unit
