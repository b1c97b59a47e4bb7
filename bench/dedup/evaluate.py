#!/usr/bin/env python3
"""Scores a removed.jsonl against the bench corpus's truth.jsonl.

A document's family is its origin's id for a generated near-duplicate, its own id otherwise.
A removal is correct when the removed document and the one it duplicates share a family
(two copies of one original count). Recall: the share of near-duplicates with true
character-5-gram Jaccard >= 0.7 (also shown for all of them) that were removed.
Prints one JSON line.

    evaluate.py TRUTH REMOVED [--name NAME]
"""
import argparse
import json


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("truth")
    parser.add_argument("removed")
    parser.add_argument("--name", default="")
    parser.add_argument("--threshold", type=float, default=0.7)
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
    correct = sum(1 for doc, of in removed.items() if of is not None and family(doc) == family(of))
    # A removal without a named duplicate is correct when the document is a generated copy.
    correct += sum(1 for doc, of in removed.items() if of is None and doc in truth)
    high = [doc for doc, record in truth.items() if record["jaccard"] >= args.threshold]
    print(json.dumps({
        "name": args.name,
        "removed": len(removed),
        "precision": round(correct / len(removed), 4) if removed else None,
        "recall_j_ge_0.7": round(sum(doc in removed for doc in high) / len(high), 4),
        "recall_all_near_duplicates": round(sum(doc in removed for doc in truth) / len(truth), 4),
        "near_duplicates_j_ge_0.7": len(high),
    }))


if __name__ == "__main__":
    main()
