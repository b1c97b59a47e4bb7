#!/usr/bin/env bash
# `make bench`: every benchmark, each against its peer in the same run, one after another.
# Speeds are only comparable on a quiet machine: the script prints the load average before each.
# Each benchmark's own script documents its corpus, peer and goal; results go to bench/RESULTS.md
# by hand, with the command that produced them.
#   bench/run.sh [path/to/vern]          ONLY="io dedup ..." picks a subset
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
vern=${1:-$root/.build/release/vern}
cd "$root"
failed=()

run() {  # name, command...
    local name=$1
    shift
    [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]] && return
    printf '\n==== %s (%s)\n' "$name" "$(uptime | sed 's/.*load/load/')"
    "$@" || failed+=("$name")
}

run io bench/io/run.sh "$vern" 2
run dedup bench/dedup/run.sh "$vern" 1
[ -f bench/out/langid/eval.tsv ] || python3 bench/langid/prepare_data.py --out bench/out/langid
run langid python3 bench/langid/compare.py --eval bench/out/langid/eval.tsv
run ingest python3 bench/ingest/compare.py --pages 20000 --vern "$vern" --workers 2
run quality bench/quality/run.sh "$vern" 1
run tokenize-extend bench/tokenize/extend_fertility.sh "$vern"
run tokenize-train bench/tokenize/train_bench.sh "$vern" /tmp/vern-train-bench 100
run infer bench/infer/run.sh
run perplexity bench/infer/perplexity_agreement.sh all
run report bench/report/screenshot.sh "$vern"
run cluster bench/cluster/run.sh "$vern"
run eval bench/eval/run.sh "$vern" 154
run eval-gemma3 bench/eval/run.sh "$vern" 88 --model gemma3

if [ ${#failed[@]} -gt 0 ]; then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
