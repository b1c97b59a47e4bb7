#!/usr/bin/env python3
"""Writes a Cantonese-like corpus with known near-duplicates, and its ground truth.

Originals are random runs of 3-40 real Cantonese sentences from pycantonese's CTCPC set (CC0;
the corpus's word-segmentation spaces removed, as Cantonese is written). A fixed share (20% by
default) of the documents are near-duplicates of an earlier original, at random later positions.

Each near-duplicate aims at a Jaccard drawn uniformly from --jaccard LOW:HIGH (default 0.5:1.0,
so every band of the recall curve gets pairs). The edits are those reposts show, in the
proportions --edit-mix gives:
  block edits, each applied with its probability first: drop-sentence (one sentence removed),
  add-sentence (a sentence from elsewhere inserted), boilerplate (a share/credit line appended),
  move-sentence (one sentence moved);
  character edits, weighted, then applied one by one until the copy reaches its target:
  substitute, delete, insert, transpose (two neighbours swapped).
Default: substitute=2,delete=1,insert=1,transpose=0,drop-sentence=0.3,add-sentence=0,
boilerplate=0.3,move-sentence=0 (the earlier bench's mix).

OUT_DIR/truth.jsonl has one line per near-duplicate: {"id", "origin", "jaccard"}, where jaccard is
the exact Jaccard similarity of the two documents' character-5-gram sets as `vern dedup near`
defines them (README, "Near-duplicates"): NFKC, full-width folded, lowercased, digits as 0;
punctuation, spaces and symbols separate tokens and are never in a shingle; a Han (kana, Thai,
...) character is one token, a run of letters and digits of other scripts one word token; n = 5
over characters when they are at least half the tokens, else over words. This is written here
from that definition, not taken from vern, so the bench checks the tool against the definition.

Seeded: the same arguments give the same bytes.

    bench/dedup/make_corpus.py OUT_DIR --documents 50000 --shards 8 [--duplicates 0.2] [--seed N]
        [--jaccard 0.5:1.0] [--edit-mix substitute=2,delete=1,...] [--no-truth]
"""
import argparse
import bisect
import json
import os
import random
import subprocess
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SENTENCES = os.path.join(ROOT, "vendor/data/pycantonese/ctcpc/sents.json")
BOILERPLATE = ["原文網址：按此", "分享到：Facebook WhatsApp", "（本文轉載自網絡，如有侵權請聯絡刪除）",
               "記得讚好我哋專頁，唔好錯過最新消息！", "延伸閱讀：", "—— 完 ——", "【更多新聞】請下載App"]
CHARACTER_EDITS = ("substitute", "delete", "insert", "transpose")
BLOCK_EDITS = ("drop-sentence", "add-sentence", "boilerplate", "move-sentence")
DEFAULT_MIX = "substitute=2,delete=1,insert=1,transpose=0,drop-sentence=0.3,add-sentence=0,boilerplate=0.3,move-sentence=0"

# Scripts written without spaces: one character is one token (as in vern's ScalarClass).
CHARACTER_RANGES = [(0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                    (0x20000, 0x3FFFF), (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF)]


def token_class(c):
    value = ord(c)
    if any(low <= value <= high for low, high in CHARACTER_RANGES):
        return "character"
    category = unicodedata.category(c)
    if category == "Nd":
        return "digit"
    if category[0] == "L" or category in ("Nl", "No"):
        return "letter"
    if category[0] == "M":
        return "mark"
    return "separator"  # spaces, punctuation, symbols, controls


def tokens(text):
    """Tokens as vern's shingler sees them; also whether characters are the majority."""
    out, word, characters = [], [], 0
    for c in unicodedata.normalize("NFKC", text):
        kind = token_class(c)
        if kind == "character":
            if word:
                out.append("".join(word))
                word = []
            out.append(c)
            characters += 1
        elif kind == "digit":
            word.append("0")
        elif kind in ("letter", "mark"):
            word.append(c.lower())
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out, characters * 2 >= len(out)


def shingles(text, character_n=5, word_n=5):
    units, by_character = tokens(text)
    if not units:
        return set()
    width = min(character_n if by_character else word_n, len(units))
    # Words are joined with a separator no token contains, so ("ab", "c") and ("a", "bc") differ.
    return {"\x00".join(units[i:i + width]) for i in range(len(units) - width + 1)}


def jaccard(a, b):
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def parse_mix(text):
    mix = dict.fromkeys(CHARACTER_EDITS + BLOCK_EDITS, 0.0)
    for part in filter(None, text.split(",")):
        name, _, value = part.partition("=")
        if name not in mix:
            raise SystemExit(f"--edit-mix: unknown edit {name!r} (known: {', '.join(mix)})")
        mix[name] = float(value)
    if sum(mix[name] for name in CHARACTER_EDITS) <= 0:
        raise SystemExit("--edit-mix: give at least one character edit a positive weight")
    for name in BLOCK_EDITS:
        if not 0 <= mix[name] <= 1:
            raise SystemExit(f"--edit-mix: {name} is a probability, got {mix[name]}")
    return mix


class Editor:
    def __init__(self, mix, rng, alphabet, pool):
        self.mix, self.rng, self.alphabet, self.pool = mix, rng, alphabet, pool
        self.kinds = [name for name in CHARACTER_EDITS if mix[name] > 0]
        total, self.cumulative = 0.0, []
        for name in self.kinds:
            total += mix[name]
            self.cumulative.append(total)

    def block_edits(self, sentences):
        rng, sentences = self.rng, list(sentences)
        if len(sentences) >= 4 and rng.random() < self.mix["drop-sentence"]:
            del sentences[rng.randrange(len(sentences))]
        if rng.random() < self.mix["add-sentence"]:
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(self.pool))
        if len(sentences) >= 2 and rng.random() < self.mix["move-sentence"]:
            sentences.insert(rng.randrange(len(sentences)), sentences.pop(rng.randrange(len(sentences))))
        text = "".join(sentences)
        if rng.random() < self.mix["boilerplate"]:
            text += "\n" + rng.choice(BOILERPLATE)
        return text

    def character_edits(self, length):
        """A fixed sequence of edits; positions are fractions, so they fit any later length."""
        rng = self.rng
        return [(self.kinds[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])],
                 rng.random(), rng.choice(self.alphabet)) for _ in range(length)]

    @staticmethod
    def apply(text, edits):
        chars = list(text)
        for kind, where, replacement in edits:
            if not chars:
                break
            position = min(int(where * len(chars)), len(chars) - 1)
            if kind == "substitute":
                chars[position] = replacement
            elif kind == "delete" and len(chars) > 1:
                del chars[position]
            elif kind == "insert":
                chars.insert(position, replacement)
            elif kind == "transpose" and position + 1 < len(chars):
                chars[position], chars[position + 1] = chars[position + 1], chars[position]
        return "".join(chars)

    def near_duplicate(self, original_text, sentences, target, original_set):
        """A copy whose Jaccard with the original is close to `target` (measured when the
        original's shingle set is given, estimated from the edit count otherwise)."""
        text = self.block_edits(sentences)
        edits = self.character_edits(max(1, len(text)))
        if original_set is None:
            # Each scattered edit changes about five 5-grams: J = (S - 5m) / (S + 5m).
            count = round(len(text) * (1 - target) / (1 + target) / 5)
            return self.apply(text, edits[:count])
        # The more edits of the fixed sequence apply, the lower the Jaccard (almost always): a
        # binary search on their count lands near the target.
        low, high = 0, len(edits)
        while low <= high:
            middle = (low + high) // 2
            if jaccard(original_set, shingles(self.apply(text, edits[:middle]))) > target:
                low = middle + 1
            else:
                high = middle - 1
        # `low` is now the fewest edits that bring the copy to the target or below.
        return self.apply(text, edits[:min(low, len(edits))])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--duplicates", type=float, default=0.2, help="share of documents that are near-duplicates")
    parser.add_argument("--jaccard", default="0.5:1.0", help="LOW:HIGH, the range near-duplicates aim at")
    parser.add_argument("--edit-mix", default=DEFAULT_MIX, help="edit weights and probabilities (see the docstring)")
    parser.add_argument("--no-truth", action="store_true", help="skip the Jaccard ground truth (scaling runs)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    low, _, high = args.jaccard.partition(":")
    low, high = float(low), float(high)
    mix = parse_mix(args.edit_mix)

    with open(SENTENCES, encoding="utf-8") as handle:
        pool = [s.replace(" ", "") for s in json.load(handle)]
    pool = [s for s in pool if len(s) >= 4 and s.isprintable()]
    alphabet = sorted({c for s in pool[:5000] for c in s if c.isalnum()})
    rng = random.Random(args.seed)
    editor = Editor(mix, rng, alphabet, pool)
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
            original_text = "".join(sentences)
            original_set = None if truth is None else shingles(original_text)
            text = editor.near_duplicate(original_text, sentences, rng.uniform(low, high), original_set)
            if truth:
                similarity = jaccard(original_set, shingles(text))
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
    print(f"wrote {total} documents ({len(duplicate_positions)} near-duplicates, seed {args.seed}, "
          f"Jaccard {low}-{high}, mix {args.edit_mix}) in {args.shards} shards to {args.out}")


if __name__ == "__main__":
    main()
