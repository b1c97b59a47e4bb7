#!/usr/bin/env python3
"""Writes a Cantonese-like corpus with known near-duplicates, and its ground truth.

Originals are random runs of 3-40 real Cantonese sentences from pycantonese's CTCPC set (CC0;
the corpus's word-segmentation spaces removed, as Cantonese is written). A fixed share (20% by
default) of the documents are near-duplicates of an earlier original, made by the edits reposts
show: 0.5-5% of characters substituted, deleted or inserted; with probability 0.3 a sentence
dropped; with probability 0.3 a boilerplate line added. They sit at random later positions.

Shards go to OUT_DIR/corpus/; OUT_DIR/truth.jsonl has one line per near-duplicate: {"id", "origin", "jaccard"}, where jaccard is the
exact Jaccard similarity of the two documents' character-5-gram sets, computed on the text with
whitespace and punctuation removed and case folded (what a character shingler sees).

Seeded: the same arguments give the same bytes.

    bench/dedup/make_corpus.py OUT_DIR --documents 50000 --shards 8 [--duplicates 0.2]
"""
import argparse
import json
import os
import random
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SENTENCES = os.path.join(ROOT, "vendor/data/pycantonese/ctcpc/sents.json")
BOILERPLATE = ["原文網址：按此", "分享到：Facebook WhatsApp", "（本文轉載自網絡，如有侵權請聯絡刪除）",
               "記得讚好我哋專頁，唔好錯過最新消息！", "延伸閱讀：", "—— 完 ——"]


def shingles(text, n=5):
    chars = [c for c in text.lower() if c.isalnum()]
    if len(chars) < n:
        return {"".join(chars)} if chars else set()
    return {"".join(chars[i:i + n]) for i in range(len(chars) - n + 1)}


def jaccard(a, b):
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def edit(sentences, rng, alphabet):
    sentences = list(sentences)
    if len(sentences) >= 4 and rng.random() < 0.3:
        del sentences[rng.randrange(len(sentences))]
    chars = list("".join(sentences))
    rate = rng.uniform(0.005, 0.05)
    for _ in range(max(1, round(rate * len(chars)))):
        kind = rng.random()
        position = rng.randrange(len(chars))
        if kind < 0.5:
            chars[position] = rng.choice(alphabet)
        elif kind < 0.75 and len(chars) > 1:
            del chars[position]
        else:
            chars.insert(position, rng.choice(alphabet))
    text = "".join(chars)
    if rng.random() < 0.3:
        text += "\n" + rng.choice(BOILERPLATE)
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--duplicates", type=float, default=0.2, help="share of documents that are near-duplicates")
    parser.add_argument("--no-truth", action="store_true", help="skip the Jaccard ground truth (scaling runs)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with open(SENTENCES, encoding="utf-8") as handle:
        pool = [s.replace(" ", "") for s in json.load(handle)]
    pool = [s for s in pool if len(s) >= 4 and s.isprintable()]
    alphabet = sorted({c for s in pool[:5000] for c in s if c.isalnum()})
    rng = random.Random(args.seed)
    corpus = os.path.join(args.out, "corpus")
    os.makedirs(corpus, exist_ok=True)

    total = args.documents
    # Which positions hold near-duplicates: an exact share, none in the first 1% (they need an
    # earlier original to copy).
    first = max(1, total // 100)
    duplicate_positions = set(rng.sample(range(first, total), int(total * args.duplicates)))
    originals = []  # (id, sentences)
    per_shard = -(-total // args.shards)
    truth = None if args.no_truth else open(os.path.join(args.out, "truth.jsonl"), "w", encoding="utf-8")
    out = None
    for number in range(total):
        if number % per_shard == 0:
            if out:
                out.close()
            path = os.path.join(corpus, f"part-{number // per_shard:03d}.jsonl")
            out = open(path, "w", encoding="utf-8")
        doc_id = f"doc-{number:07d}"
        if number in duplicate_positions:
            origin_id, sentences = rng.choice(originals)
            text = edit(sentences, rng, alphabet)
            if truth:
                similarity = jaccard(shingles("".join(sentences)), shingles(text))
                truth.write(json.dumps({"id": doc_id, "origin": origin_id, "jaccard": round(similarity, 4)}) + "\n")
        else:
            sentences = [rng.choice(pool) for _ in range(rng.randint(3, 40))]
            originals.append((doc_id, sentences))
            text = "".join(sentences)
        record = {"id": doc_id, "text": text, "source": "ctcpc-dedup-bench", "meta": {"n": number}}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.close()
    if truth:
        truth.close()
    for name in sorted(os.listdir(corpus)):
        if name.startswith("part-") and name.endswith(".jsonl"):
            path = os.path.join(corpus, name)
            subprocess.run(["zstd", "-q", "-f", "--rm", "-3", path, "-o", path + ".zst"], check=True)
    print(f"wrote {total} documents ({len(duplicate_positions)} near-duplicates) in {args.shards} shards to {args.out}")


if __name__ == "__main__":
    main()
