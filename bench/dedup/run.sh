#!/usr/bin/env bash
# bench/dedup: near-duplicate removal on a 50,000-document Cantonese-like corpus in which 20% are
# generated near-duplicates with known origins (bench/dedup/make_corpus.py). In the same run:
# ours (`vern dedup near`, 2 workers), datatrove's MinHash pipeline (per-character tokenizer,
# 5-grams, 14 x 8, 2 workers) and datasketch MinHashLSH (128 permutations, threshold 0.7, one
# process). Goals: recall >= 0.95 on near-duplicates with true character-5-gram Jaccard >= 0.7,
# precision >= 0.99, >= 10x datatrove's documents/s.
#   bench/dedup/run.sh [path/to/vern] [runs] [documents]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
vern=${1:-$root/.build/release/vern}
runs=${2:-3}
documents=${3:-50000}
here=$root/bench/dedup
work=$root/bench/out/dedup/$documents
source "$root/bench/timing.sh"
mkdir -p "$work"
[ -f "$work/truth.jsonl" ] || python3 "$here/make_corpus.py" "$work" --documents "$documents" --shards 8
echo "corpus: $documents documents, $(wc -l < "$work/truth.jsonl") near-duplicates, $(du -cb "$work"/corpus/*.zst | tail -n 1 | cut -f 1) bytes zstd"

# time_runs runs its command under /usr/bin/time, which cannot call shell functions: each run
# is a `bash -c` line over exported paths.
export vern work here
vern_near='rm -rf "$work/vern"; "$vern" dedup near --input "$work/corpus" --output "$work/vern" --workers 2 --quiet'
datatrove_near='rm -rf "$work/datatrove"; python3 "$here/datatrove_minhash.py" "$work/corpus" "$work/datatrove"'
datasketch_near='rm -rf "$work/datasketch"; python3 "$here/datasketch_lsh.py" "$work/corpus" "$work/datasketch"'

time_runs "vern dedup near" "$runs" bash -c "$vern_near"; ours=$MEDIAN
time_runs "datatrove minhash (4 stages)" 1 bash -c "$datatrove_near"; peer=$MEDIAN
time_runs "datasketch MinHashLSH" 1 bash -c "$datasketch_near"; sketch=$MEDIAN

python3 "$here/evaluate.py" "$work/truth.jsonl" "$work/vern/removed.jsonl" --name vern
python3 "$here/evaluate.py" "$work/truth.jsonl" "$work/datatrove/removed.jsonl" --name datatrove
python3 "$here/evaluate.py" "$work/truth.jsonl" "$work/datasketch/removed.jsonl" --name datasketch
echo "documents/s: vern $(ratio "$documents" "$ours")  datatrove $(ratio "$documents" "$peer")  datasketch $(ratio "$documents" "$sketch")"
echo "datatrove / vern: $(ratio "$peer" "$ours")x   (goal >= 10)"
echo "datasketch / vern: $(ratio "$sketch" "$ours")x"
