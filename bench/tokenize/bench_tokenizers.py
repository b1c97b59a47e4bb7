#!/usr/bin/env python3
"""Encoding throughput of Hugging Face `tokenizers` on the bench corpus, one document per line, the
peer for bench/tokenize/TokenizerBench.swift. Prints MB/s and a checksum of all ids (equal
checksums mean equal ids). Rayon's pool size is fixed at first use, so set RAYON_NUM_THREADS
before running (default here: 1, to compare with the single-threaded Swift loop)."""
import os
import sys
import time

corpus, *files = sys.argv[1:]
lines = open(corpus, encoding="utf-8", newline="").read().split("\n")[:-1]
size = sum(len(l.encode("utf-8")) for l in lines)
os.environ.setdefault("RAYON_NUM_THREADS", "1")
threads = os.environ["RAYON_NUM_THREADS"]
from tokenizers import Tokenizer  # noqa: E402  (after RAYON_NUM_THREADS is set)

for path in files:
    tok = Tokenizer.from_file(path)
    for label in [f"encode_batch, {threads} thread(s)"]:
        best = None
        for _ in range(3):
            t = time.perf_counter()
            enc = tok.encode_batch(lines, add_special_tokens=False)
            dt = time.perf_counter() - t
            best = dt if best is None else min(best, dt)
        n = sum(len(e.ids) for e in enc)
        check = 0
        for e in enc:
            for i in e.ids:
                check = (check * 31 + i) & 0xFFFFFFFFFFFF
        print(f"{os.path.basename(path)}\t{label}\t{size / best / 1e6:.2f} MB/s\t{n} tokens\tchecksum {check}")
    t = time.perf_counter()
    for l in lines:
        tok.encode(l, add_special_tokens=False)
    dt = time.perf_counter() - t
    print(f"{os.path.basename(path)}\tencode() per line\t{size / dt / 1e6:.2f} MB/s")
