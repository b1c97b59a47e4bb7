#!/usr/bin/env python3
"""Trains Hugging Face `tokenizers`' BpeTrainer with the pre-tokenisation `vern tokenizer train`
uses (NFC, the same Split regex, ByteLevel, same special token and byte alphabet), for the
training-throughput comparison in train_bench.sh. Prints the seconds spent in training (reading
the JSON Lines in Python included, as tokenizers pulls documents from the iterator).

    hf_train.py CORPUS_DIR OUT_DIR --pattern-from OURS/tokenizer.json [--vocab-size 32000] [--min-frequency 2]
"""
import argparse
import glob
import json
import os
import time

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers


def documents(folder):
    for path in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)["text"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--vocab-size", type=int, default=32000)
    parser.add_argument("--min-frequency", type=int, default=2)
    parser.add_argument("--pattern-from", required=True, help="a tokenizer.json written by vern tokenizer train")
    args = parser.parse_args()

    # Take the regex from our file, so the two trainers cut words identically.
    ours = json.load(open(args.pattern_from, encoding="utf-8"))
    pattern = ours["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"]

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=args.vocab_size, min_frequency=args.min_frequency, special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    start = time.time()
    tok.train_from_iterator(documents(args.corpus), trainer=trainer)
    seconds = time.time() - start
    os.makedirs(args.out, exist_ok=True)
    tok.save(os.path.join(args.out, "tokenizer.json"))
    print(f"tokenizers BpeTrainer: {tok.get_vocab_size()} tokens in {seconds:.1f} s")
    print(f"RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', 'unset')}")


if __name__ == "__main__":
    main()
