"""The fast path: all-MiniLM-L6-v2 as an int8 ONNX model on onnxruntime.

The model and its tokenizer ship inside the package (``hygiene.models``); this
path needs neither torch nor the weights package.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hygiene import assets
from hygiene.embed import DIM, MAX_TOKENS, MODEL_NAME, ONNX_FILE, TOKENIZER_FILE, configured_threads

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from hygiene.embed import Vectors


class OnnxEmbedder:
    """all-MiniLM-L6-v2, int8, on onnxruntime: fast to import and to run on a CPU."""

    name = f"{MODEL_NAME} (onnx int8)"

    def __init__(self, model_file: Path | None = None, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = model_file or assets.model_file(ONNX_FILE)
        self._path = path
        tokenizer = assets.model_file(TOKENIZER_FILE)
        options = ort.SessionOptions()
        # One thread per process: a sentence per run leaves a second thread little to
        # do, and under load it costs twice the CPU for nothing; -j gives parallelism.
        options.intra_op_num_threads = threads or configured_threads() or 1
        options.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = Tokenizer.from_file(str(tokenizer))
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise assets.ModelError(
                f"model files {path} / {tokenizer} could not be loaded ({exc}); "
                f"{assets.how_to_restore(ONNX_FILE)}"
            ) from exc
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()

    @functools.cached_property
    def identity(self) -> str:
        """The model file's content hash: what an on-disk vector cache is keyed by."""
        digest = hashlib.blake2b(self._path.read_bytes(), digest_size=16).hexdigest()
        return f"{self.name} {digest}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One text per run: int8 activations are scaled per run, so a batch would
        make a text's vector depend on its batch-mates. Unpadded single runs are
        also no slower on a CPU."""
        import numpy as np

        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._embed_batch([text])[0]
        return out

    def _embed_batch(self, texts: list[str]) -> Vectors:
        import numpy as np

        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (tokens,) = self._session.run(["token_embeddings"], feeds)
        return _mean_pool_normalise(tokens, mask)


def _mean_pool_normalise(tokens: Vectors, mask: npt.NDArray[np.int64]) -> Vectors:
    import numpy as np

    weights = mask[:, :, None].astype(np.float32)
    summed = (tokens * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return unit
