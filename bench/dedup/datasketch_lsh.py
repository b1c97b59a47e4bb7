#!/usr/bin/env python3
"""datasketch MinHashLSH (single process, as the library is) over the bench corpus: character
5-grams of the text with whitespace and punctuation removed, 128 permutations, threshold 0.7
(datasketch picks its own bands and rows for it). Each document is queried before it is
inserted; a hit makes it a duplicate of the earliest document found. Writes OUT/removed.jsonl.

    datasketch_lsh.py CORPUS_DIR WORK_DIR
"""
import glob
import io
import json
import os
import sys

import zstandard
from datasketch import MinHash, MinHashLSH


def shingles(text, n=5):
    chars = [c for c in text.lower() if c.isalnum()]
    if len(chars) < n:
        return {"".join(chars)} if chars else set()
    return {"".join(chars[i:i + n]) for i in range(len(chars) - n + 1)}


def main():
    corpus, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    order = {}
    with open(f"{work}/removed.jsonl", "w", encoding="utf-8") as out:
        for path in sorted(glob.glob(os.path.join(corpus, "*.jsonl.zst"))):
            with open(path, "rb") as raw:
                text = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8")
                for line in text:
                    record = json.loads(line)
                    minhash = MinHash(num_perm=128)
                    minhash.update_batch([s.encode("utf-8") for s in shingles(record["text"])])
                    hits = lsh.query(minhash)
                    if hits:
                        first = min(hits, key=order.__getitem__)
                        out.write(json.dumps({"id": record["id"], "duplicate_of": first, "stage": "near"}) + "\n")
                    else:
                        order[record["id"]] = len(order)
                        lsh.insert(record["id"], minhash)


if __name__ == "__main__":
    main()
