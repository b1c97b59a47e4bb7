#!/usr/bin/env bash
# Serving under load on loopback: `vern serve` (release build) against llama.cpp's llama-server
# with the same model (SmolLM2-135M-Instruct Q4_1 GGUF), the same number of slots and 2 threads.
# For each client count (CLIENTS, default "4 16") bench/serve/load.py sends REQUESTS (default 200)
# streamed chat requests of MAX_TOKENS (default 128, ignore_eos) and reports time to first token
# p50/p99, aggregate generated tokens/s and answers by status. Servers run one at a time.
# Env: SLOTS (default 4), OUT_DIR (default /tmp/vern-bench-serve).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
vern=$root/.build/release/vern
llama=$root/bench/peers/llama-server/build/bin/llama-server
gguf=$root/vendor/models/SmolLM2-135M-Instruct.Q4_1.gguf
slots=${SLOTS:-4} requests=${REQUESTS:-200} max_tokens=${MAX_TOKENS:-128} clients=${CLIENTS:-"4 16"}
out=${OUT_DIR:-/tmp/vern-bench-serve}
mkdir -p "$out"
[ -x "$vern" ] || { echo "missing $vern (make release)" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_healthy() {
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$1/health" > /dev/null && return 0; sleep 0.1; done
    echo "server on port $1 did not become healthy" >&2; return 1
}

run_vern() {
    local port; port=$(free_port)
    "$vern" serve --model "$gguf" --model-id smollm2 --port "$port" --slots "$slots" --max-queue 256 \
        --context 2048 > "$out/vern.log" 2>&1 &
    local pid=$!
    wait_healthy "$port"
    for c in $clients; do
        python3 "$root/bench/serve/load.py" "http://127.0.0.1:$port" --clients "$c" --requests "$requests" \
            --max-tokens "$max_tokens" --model smollm2 --label vern | tee -a "$out/results.jsonl"
    done
    kill -TERM "$pid"; wait "$pid" || true
}

run_llama() {
    [ -x "$llama" ] || { echo "skipping llama-server: missing $llama (run bench/serve/build_llama_server.sh)" >&2; return 0; }
    local port; port=$(free_port)
    # --repack 0 (no-repack): its AMX path dies with SIGILL on this VM (see bench/infer/run.sh).
    # Each of the slots gets the same 2048-token context as vern's.
    "$llama" -m "$gguf" --host 127.0.0.1 --port "$port" -t 2 -tb 2 --parallel "$slots" \
        --ctx-size $((2048 * slots)) --cont-batching --no-repack > "$out/llama.log" 2>&1 &
    local pid=$!
    wait_healthy "$port"
    for c in $clients; do
        python3 "$root/bench/serve/load.py" "http://127.0.0.1:$port" --clients "$c" --requests "$requests" \
            --max-tokens "$max_tokens" --label llama-server | tee -a "$out/results.jsonl"
    done
    kill -TERM "$pid"; wait "$pid" || true
}

: > "$out/results.jsonl"
run_vern
run_llama
python3 - "$out/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"{'server':<13}{'clients':>8}{'tok/s':>9}{'ttft p50':>10}{'ttft p99':>10}  statuses")
for r in rows:
    print(f"{r['label']:<13}{r['clients']:>8}{r['tokens_per_second']:>9}{r['ttft_p50_ms'] or '-':>10}{r['ttft_p99_ms'] or '-':>10}  {r['statuses']}")
by = {(r["label"], r["clients"]): r for r in rows}
for c in sorted({r["clients"] for r in rows}):
    if ("vern", c) in by and ("llama-server", c) in by:
        print(f"{c} clients: vern/llama-server aggregate tokens/s = {by[('vern', c)]['tokens_per_second'] / by[('llama-server', c)]['tokens_per_second']:.2f}")
PY
