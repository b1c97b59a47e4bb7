#!/usr/bin/env python3
"""Scores documents with the kenlm Python module and compares with `vern lm score`.

Reads the ARPA file, the spaced text `vern lm score --spaced-output` wrote (a sentence a line,
characters separated by spaces, a blank line after each document) and vern's JSON lines. Each
sentence is scored with <s> and </s>; a document's perplexity is 10^(-sum log10 p / tokens),
tokens counting one </s> per sentence, as kenlm's own perplexity() does for one sentence.
Exits 1 when any document differs by more than 1%.

    kenlm_check.py MODEL.arpa SPACED.txt VERN_SCORES.jsonl
"""
import json
import sys

import kenlm


def main():
    arpa, spaced, scores = sys.argv[1:4]
    model = kenlm.Model(arpa)
    with open(spaced, encoding="utf-8") as handle:
        documents = handle.read().split("\n\n")[:-1]
    with open(scores, encoding="utf-8") as handle:
        ours = [json.loads(line) for line in handle if line.strip()]
    if len(documents) != len(ours):
        sys.exit(f"{len(documents)} spaced documents but {len(ours)} vern scores")
    worst, compared = 0.0, 0
    for text, record in zip(documents, ours):
        sentences = [line for line in text.split("\n") if line]
        if not sentences:
            continue
        log10p = sum(model.score(s, bos=True, eos=True) for s in sentences)
        tokens = sum(len(s.split()) + 1 for s in sentences)
        theirs = 10 ** (-log10p / tokens)
        if tokens != record["tokens"]:
            sys.exit(f"{record['id']}: kenlm sees {tokens} tokens, vern {record['tokens']}")
        worst = max(worst, abs(record["perplexity"] - theirs) / theirs)
        compared += 1
    print(f"kenlm check: {compared} documents, largest perplexity difference {worst * 100:.4f}%")
    sys.exit(0 if worst <= 0.01 else 1)


if __name__ == "__main__":
    main()
