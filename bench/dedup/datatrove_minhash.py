#!/usr/bin/env python3
"""datatrove's four-stage MinHash pipeline over the bench corpus, with a per-character word
tokenizer (its best setting for Han text: its own zh tokenizer does not split Han, and jieba
words make 5-grams of ~10 characters). FineWeb-2's settings: 5-grams, 14 buckets x 8 hashes,
64-bit hashes. Two workers (one per core). Writes OUT/removed.jsonl in our format
({"id", "duplicate_of", "stage"}), with duplicate_of = the kept document of the cluster, and
OUT/seconds.json, the wall time of each of its stages (signatures, buckets, cluster, filter).

    datatrove_minhash.py CORPUS_DIR WORK_DIR
"""
import glob
import json
import os
import sys
import time

import datatrove.pipeline.dedup.minhash as datatrove_minhash
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                              MinhashDedupFilter, MinhashDedupSignature)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.hashing import HashConfig


class CharacterTokenizer:
    """Every non-space character is a word."""

    def word_tokenize(self, text, *args, **kwargs):
        return [c for c in text if not c.isspace()]


# The signature step builds its tokenizer from a language code in __init__; ours replaces that
# lookup (which would also pull in spaCy for the default English).
datatrove_minhash.load_word_tokenizer = lambda language: CharacterTokenizer()
CharacterMinhashSignature = MinhashDedupSignature


def main():
    corpus, work = sys.argv[1:3]
    shards = len(glob.glob(os.path.join(corpus, "*.jsonl.zst")))
    config = MinhashConfig(hash_config=HashConfig(precision=64), num_buckets=14, hashes_per_bucket=8, n_grams=5)
    reader = lambda: JsonlReader(corpus, glob_pattern="*.jsonl.zst", compression="zstd")
    seconds = {}

    def run(name, pipeline, tasks, workers=2):
        start = time.monotonic()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=workers, logging_dir=f"{work}/logs/{name}").run()
        seconds[name] = round(time.monotonic() - start, 3)

    run("signatures", [reader(), CharacterMinhashSignature(f"{work}/signatures", config=config)], shards)
    run("buckets", [MinhashDedupBuckets(f"{work}/signatures", f"{work}/buckets", config=config)], config.num_buckets)
    run("cluster", [MinhashDedupCluster(f"{work}/buckets", f"{work}/remove_ids", config=config, save_cluster_id=True)], 1, 1)
    run("filter", [reader(), MinhashDedupFilter(f"{work}/remove_ids", load_cluster_ids=True,
                                                exclusion_writer=JsonlWriter(f"{work}/removed", compression=None)),
                   JsonlWriter(f"{work}/kept", compression=None)], shards)

    # Each cluster's kept document, then the removed ones pointing at it.
    keeper = {}
    for path in glob.glob(f"{work}/kept/*.jsonl"):
        for line in open(path, encoding="utf-8"):
            record = json.loads(line)
            cluster = record.get("metadata", {}).get("minhash_cluster_id")
            if cluster is not None and cluster != -1:
                keeper[cluster] = record["id"]
    with open(f"{work}/removed.jsonl", "w", encoding="utf-8") as out:
        for path in glob.glob(f"{work}/removed/*.jsonl"):
            for line in open(path, encoding="utf-8"):
                record = json.loads(line)
                cluster = record.get("metadata", {}).get("minhash_cluster_id")
                out.write(json.dumps({"id": record["id"], "duplicate_of": keeper.get(cluster), "stage": "near"}) + "\n")
    with open(f"{work}/seconds.json", "w") as out:
        json.dump(seconds, out)


if __name__ == "__main__":
    main()
