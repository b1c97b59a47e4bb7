#!/usr/bin/env python3
"""Writes the throughput corpus (not committed): pycantonese's ctcpc sentences (CC0) and HKCanCor
utterances, plus the agreement edge cases, one document per line, about 4 MB of UTF-8."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_agreement_fixtures import EDGE_CASES, ENGLISH  # noqa: E402

data = sys.argv[1] if len(sys.argv) > 1 else "/tmp/pyc/pycantonese/data"
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/vernacular-tokenizer-refs/bench-corpus.txt"
lines = [s.replace("\n", " ") for s in json.load(open(os.path.join(data, "ctcpc", "sents.json"), encoding="utf-8"))]
for path in sorted(glob.glob(os.path.join(data, "hkcancor", "*.cha"))):
    lines += [l.split("\t", 1)[-1].strip() for l in open(path, encoding="utf-8") if l.startswith("*")]
lines += [t.replace("\n", "\\n") for t in EDGE_CASES + ENGLISH] * 200
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(l for l in lines if l) + "\n")
print(out, os.path.getsize(out) / 1e6, "MB")
