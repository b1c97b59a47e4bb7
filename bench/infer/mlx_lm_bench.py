#!/usr/bin/env python3
"""Times mlx-lm (fp32, CPU) on a Hugging Face folder made by gguf_to_hf.py: prompt processing of
the first N tokens of a text file and greedy generation of M tokens, measured like
`vern generate --json` (prompt tokens/s up to the first sampled token; generation tokens/s from
the second token on, so M - 1 tokens over the time after the first). EOS does not stop it.

Run it with OpenBLAS preloaded so MLX's BLAS matches ours:
  LD_PRELOAD=/lib/x86_64-linux-gnu/libopenblas.so.0 python3 bench/infer/mlx_lm_bench.py DIR TEXT

Prints one JSON object per run. --check prints the greedy continuation of a prompt instead.
"""
import argparse
import json
import time

import mlx.core as mx
from mlx_lm import load
from mlx_lm.generate import generate_step


def greedy(logits):
    return mx.argmax(logits, axis=-1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("text", nargs="?")
    parser.add_argument("--prompt-tokens", type=int, default=512)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--check", help="print the greedy continuation of this prompt and exit")
    args = parser.parse_args()

    model, tokenizer = load(args.model)
    if args.check is not None:
        ids = tokenizer.encode(args.check, add_special_tokens=False)
        out = [t for t, _ in generate_step(mx.array(ids), model, max_tokens=args.max_tokens, sampler=greedy)]
        print(json.dumps({"prompt": args.check, "tokens": ids, "continuation": tokenizer.decode(out)}, ensure_ascii=False))
        return

    with open(args.text, encoding="utf-8") as f:
        ids = tokenizer.encode(f.read(), add_special_tokens=False)[: args.prompt_tokens]
    if len(ids) < args.prompt_tokens:
        raise SystemExit(f"{args.text} has only {len(ids)} tokens")
    prompt = mx.array(ids)
    for _ in range(args.runs):
        start = time.perf_counter()
        first = None
        count = 0
        for _token, _ in generate_step(prompt, model, max_tokens=args.max_tokens, sampler=greedy):
            count += 1
            if first is None:
                first = time.perf_counter()  # the token is already materialised (an int)
        end = time.perf_counter()
        print(json.dumps({
            "prompt_tokens": len(ids),
            "generated_tokens": count,
            "prompt_tokens_per_second": len(ids) / (first - start),
            "tokens_per_second": (count - 1) / (end - first),
        }), flush=True)


if __name__ == "__main__":
    main()
