#!/usr/bin/env bash
# Training throughput (issue 7): `vern tokenizer train` against Hugging Face `tokenizers`'
# BpeTrainer (Rust) on the same ~100 MB Cantonese corpus, same vocabulary size, same
# pre-tokenisation (NFC, our Han-isolating Split regex, ByteLevel), same cores. Also checks that
# `tokenizers` loads our tokenizer.json and gives our ids on 2,000 documents of the corpus.
#
#   bench/tokenize/train_bench.sh [VERN] [WORK] [MEGABYTES]
# Needs python3 with tokenizers, and vendor/ (the corpus is built from CTCPC sentences).
set -euo pipefail
vern=${1:-.build/release/vern}
work=${2:-/tmp/vern-train-bench}
megabytes=${3:-100}
vocab=32000
mkdir -p "$work"
if [ ! -f "$work/corpus/part-003.jsonl" ]; then
    python3 bench/make_corpus.py "$work/corpus" --megabytes "$megabytes" --shards 4 --compression none
fi
echo "corpus: $(du -sh "$work/corpus" | cut -f1), cores: $(nproc)"

start=$(date +%s.%N)
"$vern" tokenizer train --input "$work/corpus" --output "$work/ours" --vocab-size "$vocab"
end=$(date +%s.%N)
printf 'vern tokenizer train:  %.1f s wall\n' "$(echo "$end - $start" | bc -l)"

start=$(date +%s.%N)
python3 bench/tokenize/hf_train.py "$work/corpus" "$work/hf" --vocab-size "$vocab" --pattern-from "$work/ours/tokenizer.json"
end=$(date +%s.%N)
printf 'tokenizers BpeTrainer: %.1f s wall (python reading JSON Lines included)\n' "$(echo "$end - $start" | bc -l)"

# Agreement: `tokenizers` with our file and VernacularTokenizer give the same ids (equal checksums
# over all ids) on 2,000 corpus documents plus a few mixed lines, one per line.
python3 - "$work" <<'PY'
import itertools, json, sys
work = sys.argv[1]
lines = [json.loads(l)["text"].replace("\n", " ") for l in itertools.islice(open(work + "/corpus/part-000.jsonl", encoding="utf-8"), 2000)]
lines += ["Hello world, it's 2026!\tcode = f(x) + 42", "emoji 😂👍🏻 ｆｕｌｌ width", "豈 compatibility ideograph"]
open(work + "/lines.txt", "w", encoding="utf-8").write("".join(l + "\n" for l in lines))
PY
[ -x "$work/tokbench" ] || swiftc -O -parse-as-library Sources/VernacularTokenizer/*.swift Sources/VernacularTokenizer/*/*.swift \
    bench/tokenize/TokenizerBench.swift -o "$work/tokbench"
ours=$("$work/tokbench" "$work/lines.txt" "$work/ours/tokenizer.json" | grep -o 'checksum [0-9]*')
theirs=$(python3 bench/tokenize/bench_tokenizers.py "$work/lines.txt" "$work/ours/tokenizer.json" | grep -o 'checksum [0-9]*')
echo "agreement on 2,003 lines: swift $ours, tokenizers $theirs: $([ "$ours" = "$theirs" ] && echo SAME || echo DIFFERENT)"
