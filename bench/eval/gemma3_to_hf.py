#!/usr/bin/env python3
"""Gemma 3 GGUF -> float32 Hugging Face folder, for bench/eval (bench/infer/gguf_to_hf.py reads only
llama-architecture files).

The weights come from transformers' own GGUF loader (`from_pretrained(..., gguf_file=...)`, which
dequantises every tensor and undoes llama.cpp's Gemma norm offset), saved as float32 safetensors.
transformers rebuilds the tokenizer as a Unigram model, which `vern` does not read, so tokenizer.json
is replaced by the one bench/tokenize/make_agreement_fixtures.py's `hf_from_gguf` builds from the
GGUF's metadata (the BPE tokenizer the tokenizer agreement benchmark checks against `tokenizers`);
both tools then tokenize with that same file.

Usage: python3 bench/eval/gemma3_to_hf.py MODEL.gguf OUT_DIR
"""
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tokenize"))
from make_agreement_fixtures import gguf_metadata, hf_from_gguf  # noqa: E402


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    source, out = os.path.abspath(sys.argv[1]), sys.argv[2]
    folder, name = os.path.dirname(source), os.path.basename(source)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    if model.config.model_type not in ("gemma3", "gemma3_text"):
        raise SystemExit(f"{source}: a {model.config.model_type} model, not Gemma 3")
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    hf_from_gguf(gguf_metadata(source)).save(os.path.join(out, "tokenizer.json"))
    print(f"wrote {out}: {model.config.model_type}, float32, tokenizer.json from the GGUF metadata")


if __name__ == "__main__":
    main()
