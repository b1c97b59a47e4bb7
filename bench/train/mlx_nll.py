"""Negative log-likelihood of a text under a Hugging Face folder loaded by mlx-lm, scored the way
`vern perplexity --context N` scores one document shorter than N tokens (one window, every token
after the first), so the two totals can be compared directly.

Usage: python3 mlx_nll.py MODEL_DIR TEXT_FILE  -> JSON {"tokens", "negative_log_likelihood", "top1"}
"""
import json
import sys

import mlx.core as mx
from mlx_lm import load


def main():
    model, tokenizer = load(sys.argv[1])
    text = open(sys.argv[2], encoding="utf-8").read()
    ids = tokenizer.encode(text, add_special_tokens=False)
    logits = model(mx.array([ids]))[0].astype(mx.float32)
    logprobs = logits - mx.logsumexp(logits, axis=-1, keepdims=True)
    targets = mx.array(ids[1:])
    picked = mx.take_along_axis(logprobs[:-1], targets[:, None], axis=-1)[:, 0]
    top1 = mx.argmax(logits, axis=-1).tolist()
    print(json.dumps({"tokens": len(ids) - 1, "negative_log_likelihood": float(-mx.sum(picked).item()),
                      "top1": top1[:-1]}))


if __name__ == "__main__":
    main()
