#!/usr/bin/env bash
# Training benchmarks: vern train against mlx-lm's LoRA trainer (`mlx_lm lora`), in one run.
#   speed   SmolLM2-135M as f32 safetensors (bench/infer/gguf_to_hf.py), the same HKCanCor
#           documents, sequence length 512, batch 4, LoRA rank 8 on every layer's attention and
#           MLP projections for both, the same OpenBLAS kernels. STEPS steps each (default 8),
#           alternating ROUNDS times (default 2). Tokens/s: vern's median step from metrics.jsonl,
#           mlx-lm's reported Tokens/sec; peak resident memory from /usr/bin/time -v for both.
#   effect  BUDGET minutes (default 10) of continued pretraining each: vern with the extended
#           tokenizer and its defaults, vern with the base tokenizer and its defaults, mlx-lm LoRA
#           rank 16, lr 2e-4, all layers; bits per character of base and trained models on
#           held-out Cantonese (HKCanCor documents kept out of training, and CTCPC sentences from
#           another corpus) and English (licence texts), all scored by `vern perplexity`
#           (mlx-lm's adapters fused first).
#   export  `vern export --format hf` of the trained run loaded by mlx-lm: its total NLL and
#           top-1 tokens on held-out text against vern's own scoring of the same folder.
# Needs: pip install "mlx[cpu]==0.32.4" mlx-cpu==0.32.4 mlx-lm==0.32.2 gguf; `make demo` run once
# (its extended tokenizer and HKCanCor shards). Env: OUT_DIR (default /tmp/vern-bench-train), STEPS,
# ROUNDS, BUDGET, ONLY ("speed effect export").
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/train
vern=$root/.build/release/vern
out=${OUT_DIR:-/tmp/vern-bench-train}
steps=${STEPS:-8}
rounds=${ROUNDS:-2}
budget=${BUDGET:-10}
only=${ONLY:-speed effect export}
openblas=/lib/x86_64-linux-gnu/libopenblas.so.0
mkdir -p "$out"
[ -x "$vern" ] || { echo "missing $vern (make release)" >&2; exit 1; }
[ -d "$root/demo-out/corpus" ] || { echo "run make demo first (HKCanCor shards, extended tokenizer)" >&2; exit 1; }
hf=$out/smollm2-hf
[ -f "$hf/model.safetensors" ] || python3 "$root/bench/infer/gguf_to_hf.py" "$root/vendor/models/SmolLM2-135M-Instruct.Q4_1.gguf" "$hf"
[ -f "$out/data/heldout-hkcancor.txt" ] || python3 "$here/make_data.py" "$root/demo-out/corpus" "$out/data"
blas_core=$("$vern" doctor --json --size 64 | python3 -c 'import json,sys; print(json.load(sys.stdin)["blas_core"])')
echo "# OpenBLAS kernels for vern and mlx-lm: $blas_core; $(uptime | sed 's/.*load/load/')"
peak() { grep 'Maximum resident' "$1" | awk '{printf "%.0f", $6 / 1024}'; }

if [[ " $only " == *" speed "* ]]; then
    cat > "$out/lora8.yaml" <<YAML
lora_parameters: {rank: 8, scale: 2.0, dropout: 0.0, keys: ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]}
YAML
    for round in $(seq 1 "$rounds"); do
        rm -rf "$out/vern-speed"
        /usr/bin/time -v "$vern" train --model "$hf" --data "$out/data/train.jsonl" --output "$out/vern-speed" \
            --seq-len 512 --batch-size 4 --lora-rank 8 --max-steps "$steps" --save-every 100000 --quiet \
            > /dev/null 2> "$out/vern-speed.time"
        vern_tps=$(python3 -c 'import json,sys; r=[json.loads(l)["tokens_per_second"] for l in open(sys.argv[1])][1:]; r.sort(); print(f"{r[len(r)//2]:.1f}")' "$out/vern-speed/metrics.jsonl")
        LD_PRELOAD=$openblas OPENBLAS_CORETYPE=$blas_core /usr/bin/time -v python3 -m mlx_lm lora --model "$hf" --train \
            --data "$out/data/mlx" --fine-tune-type lora --num-layers -1 --batch-size 4 --iters "$steps" \
            --max-seq-length 512 --learning-rate 2e-4 --steps-per-report 1 --steps-per-eval 100000 --val-batches 1 \
            --save-every 100000 --adapter-path "$out/mlx-speed" -c "$out/lora8.yaml" > "$out/mlx-speed.log" 2> "$out/mlx-speed.time"
        mlx_tps=$(python3 "$here/mlx_speed.py" "$out/mlx-speed.log")
        echo "round $round: vern $vern_tps tok/s (peak $(peak "$out/vern-speed.time") MiB), mlx-lm $mlx_tps tok/s (peak $(peak "$out/mlx-speed.time") MiB), ratio $(python3 -c "print(f'{$vern_tps / $mlx_tps:.2f}')")x; $(uptime | sed 's/.*load/load/')"
    done
fi

score() {  # model text -> bits/char
    "$vern" perplexity --model "$1" --input "$2" --context 512 --json 2>/dev/null | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["bits_per_char"])'
}

if [[ " $only " == *" effect "* ]]; then
    rm -rf "$out/vern-effect" "$out/mlx-effect" "$out/mlx-fused"
    "$vern" train --model smollm2 --tokenizer "$root/demo-out/tokenizer" --data "$out/data/train.jsonl" \
        --output "$out/vern-effect" --max-minutes "$budget" --quiet > "$out/vern-effect.log" 2>&1
    # The same budget and defaults on the base tokenizer: what the extension costs or gains.
    rm -rf "$out/vern-effect-base-tokenizer"
    "$vern" train --model smollm2 --data "$out/data/train.jsonl" --output "$out/vern-effect-base-tokenizer" \
        --max-minutes "$budget" --quiet > "$out/vern-effect-base-tokenizer.log" 2>&1
    cat > "$out/lora16.yaml" <<YAML
lora_parameters: {rank: 16, scale: 2.0, dropout: 0.0, keys: ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]}
YAML
    # mlx-lm has no time budget: give it the iterations that fit, from its speed above (or 1 it/7 s).
    iters=${MLX_ITERS:-$(python3 -c "print(int($budget * 60 / 7))")}
    LD_PRELOAD=$openblas OPENBLAS_CORETYPE=$blas_core timeout $((budget * 60 + 120)) python3 -m mlx_lm lora --model "$hf" \
        --train --data "$out/data/mlx" --fine-tune-type lora --num-layers -1 --batch-size 4 --iters "$iters" \
        --max-seq-length 512 --learning-rate 2e-4 --steps-per-report 10 --steps-per-eval 100000 --val-batches 1 \
        --save-every 10 --adapter-path "$out/mlx-effect" -c "$out/lora16.yaml" > "$out/mlx-effect.log" 2>&1 || true
    LD_PRELOAD=$openblas python3 -m mlx_lm fuse --model "$hf" --adapter-path "$out/mlx-effect" --save-path "$out/mlx-fused" > /dev/null 2>&1
    # Bits/char on held-out HKCanCor documents (the training text's kind), on CTCPC sentences
    # (another corpus) and on English.
    printf '%-28s %14s %12s %10s\n' model hkcancor-held-out ctcpc english
    for model in smollm2 "$out/vern-effect" "$out/vern-effect-base-tokenizer" "$out/mlx-fused"; do
        printf '%-28s %14s %12s %10s\n' "$(basename "$model")" "$(score "$model" "$out/data/heldout-hkcancor.txt")" \
            "$(score "$model" "$out/data/heldout-yue.txt")" "$(score "$model" "$out/data/heldout-en.txt")"
    done
    tail -n 3 "$out/vern-effect.log" "$out/vern-effect-base-tokenizer.log"
    sed 's/\x1b\[[0-9;]*m//g' "$out/mlx-effect.log" | grep -E '^ +[0-9]+ +[0-9.]+ ' | tail -n 1 || true
fi

if [[ " $only " == *" export "* ]]; then
    run=$out/vern-effect
    [ -d "$run/checkpoints" ] || run=$out/vern-speed
    rm -rf "$out/exported"
    "$vern" export "$run" --format hf --output "$out/exported"
    python3 -c "import sys; sys.stdout.write(open(sys.argv[1], encoding=\"utf-8\").read()[:500])" "$out/data/heldout-yue.txt" > "$out/export-text.txt"
    LD_PRELOAD=$openblas python3 "$here/mlx_nll.py" "$out/exported" "$out/export-text.txt" > "$out/mlx-nll.json"
    "$vern" perplexity --model "$out/exported" --input "$out/export-text.txt" --context 4096 --json 2>/dev/null > "$out/vern-nll.json"
    python3 - "$out/mlx-nll.json" "$out/vern-nll.json" <<'PY'
import json, sys
m, v = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"exported folder, {m['tokens']} tokens: mlx-lm NLL {m['negative_log_likelihood']:.3f}, vern NLL {v['negative_log_likelihood']:.3f}, "
      f"relative difference {abs(m['negative_log_likelihood'] - v['negative_log_likelihood']) / v['negative_log_likelihood']:.2e}")
PY
fi
