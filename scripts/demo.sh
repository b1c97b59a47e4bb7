#!/usr/bin/env bash
# `make demo`: the whole system that exists so far, end to end, on real Cantonese text.
set -euo pipefail
vern=${1:-.build/release/vern}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=demo-out
rm -rf "$out"

step() { printf '\n== %s\n' "$*"; }

step "Ingest HKCanCor (pycantonese, CC BY 4.0): CHAT transcripts to dialogue documents"
"$vern" ingest hkcancor vendor/data/pycantonese/hkcancor --output "$out/corpus" --documents-per-shard 8

step "Run the pipeline (demo/cantonese.yaml): normalise, with stats per stage"
"$vern" run demo/cantonese.yaml
printf '\nA second run resumes: every shard is already finished, so nothing is redone.\n'
"$vern" run demo/cantonese.yaml --quiet --json > "$out/rerun-summary.json"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("shards run:", s["shards_run"], "resumed:", s["shards_resumed"])' "$out/rerun-summary.json"
printf '\nFirst document after normalisation:\n'
zstd -dc "$out/run/documents/shard-00000.jsonl.zst" | head -n 1 | cut -c 1-300
