#!/usr/bin/env bash
# Scaling of `vern dedup near`: wall time and peak RSS at 10k, 100k and 1M generated documents
# (bench/dedup/make_corpus.py, no ground truth), 2 workers, a 64 MiB sorting budget so the
# larger runs spill band records to sorted runs on disk. Prints one line per size.
#   bench/dedup/scale.sh [path/to/vern] [sizes...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
vern=${1:-$root/.build/release/vern}
shift || true
sizes=${*:-10000 100000 1000000}
for size in $sizes; do
    work=$root/bench/out/dedup-scale/$size
    [ -d "$work/corpus" ] || python3 "$root/bench/dedup/make_corpus.py" "$work" --documents "$size" \
        --shards $(( size >= 100000 ? size / 12500 : 8 )) --no-truth > /dev/null
    rm -rf "$work/out"
    /usr/bin/time -f "%e %M" -o "$work/time" "$vern" dedup near --input "$work/corpus" --output "$work/out" \
        --workers 2 --memory-mb 64 --json > "$work/summary.json"
    read -r wall rss < "$work/time"
    removed=$(python3 -c "import json,sys; print(json.load(open('$work/summary.json'))['documents_removed'])")
    echo "$size documents: ${wall} s, peak RSS $((rss / 1024)) MiB, $(echo "$size / $wall" | bc) documents/s, $removed removed"
done
