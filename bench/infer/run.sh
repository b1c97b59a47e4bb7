#!/usr/bin/env bash
# Inference speed for SmolLM2-135M-Instruct on 2 CPU threads: prompt processing of 512 tokens
# (pp512) and generation of 128 tokens (tg128), tokens per second, for
#   vern        the release binary, our 8-bit decode kernel (default)
#   vern-f32    the same with --float32-decode
#   llama.cpp   llama-bench -p 512 -n 128 -t 2 (same Q4_1 GGUF)
#   mlx-lm      0.32.2 on mlx-cpu 0.32.4, fp32 weights converted by gguf_to_hf.py, OpenBLAS preloaded
# The tools run back to back in rounds (vern, vern-f32, llama.cpp, mlx-lm; ROUNDS times, default 3);
# the script prints each run, the medians and the ratios vern/llama.cpp (pp) and vern/mlx-lm (tg).
#
# llama.cpp runs with --repack 0: on this machine its AMX path (enabled by the "extra buffer" /
# repack option on CPUs that report AMX) dies with SIGILL because the VM does not grant AMX state.
# For Q4_1 this switches off only the AMX kernels; the AVX-512 kernels are used.
#
# vern and mlx-lm get the first 512 tokens of the English text (GPL-3 etc., see
# perplexity_agreement.sh) as prompt and decode greedily; llama-bench uses its own random tokens.
# Needs: pip install "mlx[cpu]==0.32.4" mlx-cpu==0.32.4 mlx-lm==0.32.2 gguf; libopenblas0.
# Env: OUT_DIR (default /tmp/vern-bench-infer), ROUNDS (default 3).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/infer
vern=$root/.build/release/vern
bench=$root/bench/peers/llama.cpp/build/bin/llama-bench
gguf=$root/vendor/models/SmolLM2-135M-Instruct.Q4_1.gguf
out=${OUT_DIR:-/tmp/vern-bench-infer}
rounds=${ROUNDS:-3}
openblas=/lib/x86_64-linux-gnu/libopenblas.so.0
mkdir -p "$out"
[ -x "$vern" ] || { echo "missing $vern" >&2; exit 1; }
[ -x "$bench" ] || { echo "missing $bench (run bench/infer/build_llama_cpp.sh)" >&2; exit 1; }
[ -f "$openblas" ] || { echo "missing $openblas (apt-get install libopenblas0)" >&2; exit 1; }

# Prompt text: real English running text.
licenses=/usr/share/common-licenses
[ -f "$out/english.txt" ] || cat "$licenses/GPL-3" "$licenses/LGPL-2.1" "$licenses/Apache-2.0" \
    "$licenses/MPL-2.0" "$licenses/GFDL-1.3" > "$out/english.txt"
hf=$out/smollm2-hf
[ -f "$hf/model.safetensors" ] || python3 "$here/gguf_to_hf.py" "$gguf" "$hf"

# Debian 12's OpenBLAS takes this CPU for an SSE3-era one; vern restarts itself with the kernel
# family the CPU supports (`vern doctor` says which). mlx-lm gets the same, so BLAS matches.
blas_core=$("$vern" doctor --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["blas_core"])')
echo "# OpenBLAS kernels for vern and mlx-lm: $blas_core"

results=$out/run.jsonl
: > "$results"
record() {  # tool, JSON with prompt_tokens_per_second and tokens_per_second
    python3 -c 'import json,sys; d=json.loads(sys.argv[2]); print(json.dumps({"tool": sys.argv[1], "pp": d["prompt_tokens_per_second"], "tg": d["tokens_per_second"], "generated": d.get("generated_tokens")}))' \
        "$1" "$2" | tee -a "$results"
}

echo "# start: $(uptime)"
for round in $(seq "$rounds"); do
    echo "# round $round: $(uptime)"
    for flag in "" "--float32-decode"; do
        json=$("$vern" generate --model "$gguf" --prompt-file "$out/english.txt" --prompt-tokens 512 \
            --max-tokens 128 --temperature 0 --repeat-penalty 1 $flag --json 2>/dev/null)
        record "vern${flag:+-f32}" "$json"
    done
    json=$("$bench" -m "$gguf" -p 512 -n 128 -t 2 -r 1 --repack 0 -o json 2>/dev/null)
    json=$(python3 -c 'import json,sys
rows = json.loads(sys.argv[1])
pp = [r["avg_ts"] for r in rows if r["n_prompt"] > 0 and r["n_gen"] == 0][0]
tg = [r["avg_ts"] for r in rows if r["n_gen"] > 0 and r["n_prompt"] == 0][0]
print(json.dumps({"prompt_tokens_per_second": pp, "tokens_per_second": tg, "generated_tokens": 128}))' "$json")
    record llama.cpp "$json"
    json=$(LD_PRELOAD=$openblas OPENBLAS_CORETYPE=$blas_core python3 "$here/mlx_lm_bench.py" "$hf" "$out/english.txt" \
        --prompt-tokens 512 --max-tokens 128 2>/dev/null | tail -1)
    record mlx-lm "$json"
done
echo "# end: $(uptime)"

python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
tools = ["vern", "vern-f32", "llama.cpp", "mlx-lm"]
med = {t: {k: statistics.median(r[k] for r in runs if r["tool"] == t) for k in ("pp", "tg")} for t in tools}
print(f"\n{'tool':<10} {'pp512 t/s':>10} {'tg128 t/s':>10}   (medians of {sum(r['tool'] == 'vern' for r in runs)} runs)")
for t in tools:
    print(f"{t:<10} {med[t]['pp']:>10.1f} {med[t]['tg']:>10.1f}")
rounds = [runs[i:i + len(tools)] for i in range(0, len(runs), len(tools))]
for i, r in enumerate(rounds, 1):
    by = {x["tool"]: x for x in r}
    print(f"round {i}: vern/llama.cpp pp {by['vern']['pp'] / by['llama.cpp']['pp']:.2f}, "
          f"vern/mlx-lm tg {by['vern']['tg'] / by['mlx-lm']['tg']:.2f}")
for t in ("vern", "vern-f32"):
    print(f"{t}: pp {med[t]['pp'] / med['llama.cpp']['pp']:.2f}x llama.cpp (goal >= 1), "
          f"tg {med[t]['tg'] / med['mlx-lm']['tg']:.2f}x mlx-lm (goal >= 2), "
          f"tg {med[t]['tg'] / med['llama.cpp']['tg']:.2f}x llama.cpp")
PY
