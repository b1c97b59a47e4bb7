#!/usr/bin/env bash
# bench/dedup: near-duplicate removal on a Cantonese-like corpus (bench/dedup/make_corpus.py) in
# which 20% of the documents are generated near-duplicates with known origins, aimed at Jaccard
# values spread over 0.5-1.0. In the same run: ours (`vern dedup near`, 2 workers, default
# settings) and datatrove's MinHash pipeline (per-character tokenizer, 5-grams, 14 x 8, 2
# workers); datasketch MinHashLSH (128 permutations, threshold 0.7, one process) with
# --datasketch. Ours runs RUNS times before datatrove and RUNS times after it (after one
# warm-up), so a change of load during the run shows in both; the ratio is given against our
# median and our slowest run. Prints recall by band of true Jaccard and precision for each tool.
# Goals: recall >= 0.98 for pairs with character-5-gram Jaccard >= 0.7, precision >= 0.99,
# >= 10x datatrove's speed.
#   bench/dedup/run.sh [path/to/vern] [runs] [documents] [--seed N] [--edit-mix MIX]
#                      [--jaccard LOW:HIGH] [--datasketch]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
positional=()
seed=2026
mix=""
spread=0.5:1.0
datasketch=0
while [ $# -gt 0 ]; do
    case $1 in
        --seed) seed=$2; shift 2 ;;
        --edit-mix) mix=$2; shift 2 ;;
        --jaccard) spread=$2; shift 2 ;;
        --datasketch) datasketch=1; shift ;;
        *) positional+=("$1"); shift ;;
    esac
done
vern=${positional[0]:-$root/.build/release/vern}
runs=${positional[1]:-2}
documents=${positional[2]:-50000}
here=$root/bench/dedup
work=$root/bench/out/dedup/$documents-seed$seed${mix:+-$(echo "$mix" | md5sum | cut -c1-8)}
mkdir -p "$work"
if [ ! -f "$work/truth.jsonl" ]; then
    python3 "$here/make_corpus.py" "$work" --documents "$documents" --shards 8 --seed "$seed" \
        --jaccard "$spread" ${mix:+--edit-mix "$mix"}
fi
echo "corpus: $documents documents, $(wc -l < "$work/truth.jsonl") near-duplicates, $(du -cb "$work"/corpus/*.zst | tail -n 1 | cut -f 1) bytes zstd, seed $seed, mix ${mix:-default}"

load() { uptime | sed 's/.*load average: //'; }
# One timed run of a command; sets WALL (seconds) and RSS (KB).
timed() {
    local log start end
    log=$(mktemp)
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$log" "$@" > /dev/null 2>&1 || { echo "bench: failed: $*" >&2; cat "$log" >&2; return 1; }
    end=$(date +%s.%N)
    WALL=$(echo "$end - $start" | bc -l)
    RSS=$(tail -n 1 "$log")
    rm -f "$log"
}

ours=()
ours_signatures=()
ours_rss=0
run_ours() {
    for _ in $(seq "$runs"); do
        rm -rf "$work/vern"
        timed bash -c "\"$vern\" dedup near --input \"$work/corpus\" --output \"$work/vern\" --workers 2 --json > \"$work/vern.json\""
        ours+=("$WALL")
        [ "$RSS" -gt "$ours_rss" ] && ours_rss=$RSS
        ours_signatures+=("$(python3 -c "import json; print(json.load(open('$work/vern.json'))['seconds']['signatures'])")")
        printf 'vern dedup near           %7.2f s  (signatures %s s)  load %s\n' "$WALL" "${ours_signatures[-1]}" "$(load)"
    done
}

echo "load before: $(load)"
rm -rf "$work/vern"
"$vern" dedup near --input "$work/corpus" --output "$work/vern" --workers 2 --quiet  # warm-up
run_ours
rm -rf "$work/datatrove"
timed python3 "$here/datatrove_minhash.py" "$work/corpus" "$work/datatrove"
peer=$WALL
peer_rss=$RSS
peer_signatures=$(python3 -c "import json; print(json.load(open('$work/datatrove/seconds.json'))['signatures'])")
printf 'datatrove minhash         %7.2f s  (signatures %s s)  load %s\n' "$peer" "$peer_signatures" "$(load)"
run_ours
if [ "$datasketch" = 1 ]; then
    rm -rf "$work/datasketch"
    timed python3 "$here/datasketch_lsh.py" "$work/corpus" "$work/datasketch"
    printf 'datasketch MinHashLSH     %7.2f s  peak RSS %d KB  load %s\n' "$WALL" "$RSS" "$(load)"
fi

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
slowest() { printf '%s\n' "$@" | sort -g | tail -n 1; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
ours_median=$(median "${ours[@]}")
signatures_median=$(median "${ours_signatures[@]}")
echo
echo "vern: median $ours_median s of ${#ours[@]} runs (slowest $(slowest "${ours[@]}") s), peak RSS $ours_rss KB; datatrove: $peer s, peak RSS $peer_rss KB"
python3 "$here/evaluate.py" "$work/truth.jsonl" "$work/vern/removed.jsonl" --name vern --corpus "$work/corpus"
python3 "$here/evaluate.py" "$work/truth.jsonl" "$work/datatrove/removed.jsonl" --name datatrove --corpus "$work/corpus"
[ "$datasketch" = 1 ] && python3 "$here/evaluate.py" "$work/truth.jsonl" "$work/datasketch/removed.jsonl" --name datasketch --corpus "$work/corpus"
echo "documents/s: vern $(ratio "$documents" "$ours_median")  datatrove $(ratio "$documents" "$peer")"
echo "datatrove / vern, whole dedup: $(ratio "$peer" "$ours_median")x (against our slowest run: $(ratio "$peer" "$(slowest "${ours[@]}")")x; goal >= 10)"
echo "datatrove / vern, signature stage: $(ratio "$peer_signatures" "$signatures_median")x (vern $signatures_median s, datatrove $peer_signatures s)"
echo "load after: $(load)"
