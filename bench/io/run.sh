#!/usr/bin/env bash
# bench/io: read and rewrite a >= 200 MB Cantonese-like .jsonl.zst corpus through a no-op stage.
# Peers in the same run: `zstd -dc | zstd -c` per file (the floor) and datatrove's
# JsonlReader -> JsonlWriter. Goal: within 1.5x of the zstd pipe, at least 5x datatrove.
#   bench/io/run.sh [path/to/vern] [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
vern=${1:-$root/.build/release/vern}
runs=${2:-3}
work=$root/bench/out/io
source "$root/bench/timing.sh"
mkdir -p "$work"
[ -d "$work/corpus" ] || python3 "$root/bench/make_corpus.py" "$work/corpus" --megabytes 256 --shards 8
size=$(du -cb "$work"/corpus/*.zst | tail -n 1 | cut -f 1)
raw=$(for f in "$work"/corpus/*.zst; do zstd -dc "$f"; done | wc -c)
echo "corpus: $(ls "$work"/corpus/*.zst | wc -l) files, $((size / 1000000)) MB zstd, $((raw / 1000000)) MB JSON Lines"

cat > "$work/noop.yaml" <<YAML
input: {paths: [$work/corpus/*.jsonl.zst]}
output: {dir: $work/vern-out}
stages: []
YAML
vern_run() { rm -rf "$work/vern-out"; "$vern" run "$work/noop.yaml" --quiet; }
zstd_pipe() {
    mkdir -p "$work/zstd-out"
    for f in "$work"/corpus/*.zst; do zstd -dc "$f" | zstd -q -c > "$work/zstd-out/$(basename "$f")"; done
}
datatrove_run() { rm -rf "$work/dt-out" "$work/dt-logs"; python3 "$root/bench/io/datatrove_io.py" "$work/corpus" "$work/dt-out" "$work/dt-logs"; }

# /usr/bin/time runs programs, not shell functions: export them and time `bash -c NAME`.
export vern work root
export -f vern_run zstd_pipe datatrove_run
time_runs "vern run (no-op stage)" "$runs" bash -c vern_run; ours=$MEDIAN
time_runs "zstd -dc | zstd -c" "$runs" bash -c zstd_pipe; floor=$MEDIAN
time_runs "datatrove reader->writer" "$runs" bash -c datatrove_run; peer=$MEDIAN
echo "vern / zstd pipe: $(ratio "$ours" "$floor")x   (goal <= 1.5)"
echo "datatrove / vern: $(ratio "$peer" "$ours")x   (goal >= 5)"
