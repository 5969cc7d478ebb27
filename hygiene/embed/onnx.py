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
        self._tokenizer.no_padding()  # one text per run: nothing to pad to

    @functools.cached_property
    def identity(self) -> str:
        """The model file's content hash: what an on-disk vector cache is keyed by."""
        digest = hashlib.blake2b(self._path.read_bytes(), digest_size=16).hexdigest()
        return f"{self.name} {digest}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One text per run: int8 activations are scaled per run, so a batch would
        make a text's vector depend on its batch-mates. Unpadded single runs are
        also no slower on a CPU. The texts are tokenised in one call (without the
        offsets, which nothing here reads)."""
        import numpy as np

        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, encoding in enumerate(self._tokenizer.encode_batch_fast(list(texts))):
            ids = np.array([encoding.ids], dtype=np.int64)
            out[i] = self._run(ids)
        return out

    def _run(self, ids: npt.NDArray[np.int64]) -> Vectors:
        """The unit vector of one unpadded text: the mean of its token embeddings."""
        import numpy as np

        mask = np.ones_like(ids)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (tokens,) = self._session.run(["token_embeddings"], feeds)
        pooled = tokens[0].mean(axis=0)
        unit: Vectors = (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
        return unit
