# Shared timing helpers for the bench scripts (sourced, not run).
# time_runs NAME RUNS COMMAND...: runs COMMAND RUNS times after one warm-up, prints
# "NAME median_wall_s max_rss_kb" and stores the median in the variable MEDIAN.
time_runs() {
    local name=$1 runs=$2
    shift 2
    local walls=() rss=0 start end log
    log=$(mktemp)
    "$@" >/dev/null 2>&1 || { echo "bench: $name failed: $*" >&2; return 1; }
    for _ in $(seq "$runs"); do
        start=$(date +%s.%N)
        /usr/bin/time -f "%M" -o "$log" "$@" >/dev/null 2>&1 || { echo "bench: $name failed" >&2; return 1; }
        end=$(date +%s.%N)
        walls+=("$(echo "$end - $start" | bc -l)")
        local kb
        kb=$(tail -n 1 "$log")
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    rm -f "$log"
    MEDIAN=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-28s median %8.2f s   peak RSS %7d KB   (%d runs)\n' "$name" "$MEDIAN" "$rss" "$runs"
}

ratio() { echo "scale=2; $1 / $2" | bc -l; }
