#!/usr/bin/env python3
"""Writes a Cantonese-like benchmark corpus as JSON Lines shards.

Documents are random runs of real Cantonese sentences from pycantonese's CTCPC set (CC0), with
ids and a little metadata, so readers parse what real corpora look like. Seeded: the same
arguments give the same bytes.

    bench/make_corpus.py OUT_DIR --megabytes 256 --shards 8 [--compression zst|none]
"""
import argparse
import json
import os
import random
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SENTENCES = os.path.join(ROOT, "vendor/data/pycantonese/ctcpc/sents.json")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--megabytes", type=int, default=256, help="uncompressed size in total")
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--compression", choices=["zst", "none"], default="zst")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with open(SENTENCES, encoding="utf-8") as handle:
        sentences = [s for s in json.load(handle) if len(s) >= 4]
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    per_shard = args.megabytes * 1_000_000 // args.shards
    number = 0
    for shard in range(args.shards):
        path = os.path.join(args.out, f"part-{shard:03d}.jsonl")
        written = 0
        with open(path, "w", encoding="utf-8") as out:
            while written < per_shard:
                text = "".join(rng.choice(sentences) for _ in range(rng.randint(3, 40)))
                record = {"id": f"doc-{number}", "text": text, "source": "ctcpc-bench",
                          "meta": {"shard": shard, "n": number}}
                line = json.dumps(record, ensure_ascii=False) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
                number += 1
        if args.compression == "zst":
            subprocess.run(["zstd", "-q", "-f", "--rm", "-3", path, "-o", path + ".zst"], check=True)
    print(f"wrote {number} documents in {args.shards} shards to {args.out}")


if __name__ == "__main__":
    main()
