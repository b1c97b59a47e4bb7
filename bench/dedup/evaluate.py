#!/usr/bin/env python3
"""Scores a removed.jsonl against the bench corpus's truth.jsonl.

A document's family is its origin's id for a generated near-duplicate, its own id otherwise.
A removal is correct when the removed document and the one it duplicates share a family
(two copies of one original count). With --corpus, a removal across families whose two texts
have character-5-gram Jaccard >= the threshold (two generated originals that drew the same
long sentences) is a true near-duplicate too: "precision" counts it as correct,
"precision_by_family" does not.

Recall: the share of near-duplicates with true Jaccard >= 0.7 that were removed, also by band
of true Jaccard (<0.5, 0.5-0.6, 0.6-0.7, 0.7-0.75, 0.75-0.8, 0.8-0.9, 0.9-1.0): above the
threshold recall should be 1, below it a removal is allowed (the copy may be closer to
another copy) but not required. Prints one JSON line.

    evaluate.py TRUTH REMOVED [--name NAME] [--corpus CORPUS_DIR]
"""
import argparse
import glob
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_corpus import jaccard, shingles  # noqa: E402

BANDS = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.75), (0.75, 0.8), (0.8, 0.9), (0.9, 1.0001)]


def band_name(low, high):
    return f"<{high:g}" if low == 0 else f"{low:g}-{min(high, 1):g}"


def read_texts(corpus, wanted):
    import zstandard
    texts = {}
    for path in sorted(glob.glob(os.path.join(corpus, "*.jsonl.zst"))):
        with open(path, "rb") as handle:
            reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(handle), encoding="utf-8")
            for line in reader:
                record = json.loads(line)
                if record["id"] in wanted:
                    texts[record["id"]] = record["text"]
    return texts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("truth")
    parser.add_argument("removed")
    parser.add_argument("--name", default="")
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--corpus", help="the corpus folder, to measure removals across families")
    args = parser.parse_args()
    truth = {}
    for line in open(args.truth, encoding="utf-8"):
        record = json.loads(line)
        truth[record["id"]] = record
    family = lambda doc: truth[doc]["origin"] if doc in truth else doc
    removed = {}
    for line in open(args.removed, encoding="utf-8"):
        record = json.loads(line)
        removed[record["id"]] = record.get("duplicate_of")
    by_family = sum(1 for doc, of in removed.items() if of is not None and family(doc) == family(of))
    # A removal without a named duplicate is correct when the document is a generated copy.
    by_family += sum(1 for doc, of in removed.items() if of is None and doc in truth)
    across = [(doc, of) for doc, of in removed.items() if of is not None and family(doc) != family(of)]
    similar_across = 0
    if args.corpus and across:
        texts = read_texts(args.corpus, {doc for pair in across for doc in pair})
        similar_across = sum(1 for doc, of in across
                             if jaccard(shingles(texts[doc]), shingles(texts[of])) >= args.threshold)
    high = [doc for doc, record in truth.items() if record["jaccard"] >= args.threshold]
    bands = {}
    for low, top in BANDS:
        members = [doc for doc, record in truth.items() if low <= record["jaccard"] < top]
        bands[band_name(low, top)] = {"pairs": len(members),
                                      "recall": round(sum(doc in removed for doc in members) / len(members), 4)
                                      if members else None}
    result = {
        "name": args.name,
        "removed": len(removed),
        "precision": round((by_family + similar_across) / len(removed), 4) if removed else None,
        "precision_by_family": round(by_family / len(removed), 4) if removed else None,
        "wrong_removals": len(removed) - by_family - similar_across,
        "recall_j_ge_0.7": round(sum(doc in removed for doc in high) / len(high), 4),
        "recall_all_near_duplicates": round(sum(doc in removed for doc in truth) / len(truth), 4),
        "near_duplicates_j_ge_0.7": len(high),
        "recall_by_band": bands,
    }
    if not args.corpus:
        del result["precision"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
