#!/usr/bin/env bash
# bench/cluster: the torchtitan bundle `vern cluster render` writes, run by the real engine.
# torchtitan 0.2.2 and torch 2.11.0 from PyPI into bench/out/cluster/venv (large: torch brings its CUDA
# libraries even for a CPU run), then: pack the test fixtures with vern, render a bundle for a tiny
# Llama (2 layers, hidden 64) on one device, train a few steps in one CPU process (FSDP and tensor
# parallelism off: torchtitan supports no distributed CPU run), convert the last DCP checkpoint to a
# Hugging Face folder with torchtitan's own state-dict adapter, and compare the perplexity vern
# computes from that folder with the one torch computes from torchtitan's model; then a second bundle,
# with model.hf naming the converted folder, starts from those weights (prepare_initial.py) and must
# begin at a lower loss than the first run did.
#   bench/cluster/run.sh [path/to/vern]
# Results and the log of every step go to bench/out/cluster/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
vern=${1:-$root/.build/release/vern}
out=$root/bench/out/cluster
fixtures=$root/Tests/VernacularClusterTests/Fixtures
mkdir -p "$out"
cd "$root"

venv=$out/venv
if [[ ! -x "$venv/bin/python" ]]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install -q "torchtitan==0.2.2" "torch==2.11.0" numpy safetensors
"$venv/bin/python" -c 'import torch, torchtitan, importlib.metadata as m; print("torch", torch.__version__, "torchtitan", m.version("torchtitan"))' | tee "$out/versions.txt"

# 1. Our shards and tokenizer.
rm -rf "$out/pack" "$out/tokenizer" "$out/bundle" "$out/bundle-continued" "$out/shared" "$out/hf"
mkdir -p "$out/tokenizer"
cp "$fixtures/tiny-bytelevel.tokenizer.json" "$out/tokenizer/tokenizer.json"
"$vern" pack --tokenizer "$out/tokenizer/tokenizer.json" --eod-token '<|endoftext|>' --split 1/0/0 \
    --input "$fixtures/conversation.jsonl" "$fixtures/news.jsonl" --output "$out/pack" --quiet
vocab=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["vocabulary_size"])' "$out/pack/pack.json")

# 2. A tiny model on one device: the planner picks t = 1, d = 1, so the job has FSDP off.
cat > "$out/tiny.yaml" <<YAML
name: tiny-cpu
model: {layers: 2, hidden: 64, heads: 4, kv_heads: 2, ffn: 128, vocab: $vocab, rope_theta: 10000}
tokenizer: tokenizer
data: {pack: [pack], weights: [1.0]}
training: {seq_len: 32, global_batch: 4, micro_batch: 4, steps: 10, lr: 3.0e-3, warmup: 2, checkpoint_every: 5}
cluster: {nodes: 1, devices_per_node: 1, device: h100, shared_folder: $out/shared}
YAML
"$vern" cluster plan "$out/tiny.yaml" | head -n 6
"$vern" cluster render "$out/tiny.yaml" --engine torchtitan --output "$out/bundle"

# 3. Train in one CPU process (bench/cluster/run_cpu.py: the device tweak torchtitan needs on CPU).
set +e
"$venv/bin/python" bench/cluster/run_cpu.py "$out/bundle" > "$out/train.log" 2>&1
status=$?
set -e
tail -n 20 "$out/train.log"
if [[ $status -ne 0 ]]; then
    echo "bench/cluster: torchtitan's CPU run failed (exit $status): see $out/train.log" | tee "$out/result.txt"
    exit 1
fi

# 4. Back to Hugging Face, and the same text scored by torch and by vern.
"$venv/bin/python" bench/cluster/compare.py "$out/bundle" "$out/shared/runs/tiny-cpu/torchtitan/checkpoint" "$out/hf" \
    "$fixtures/conversation.jsonl" "$vern" | tee "$out/result.txt"

# 5. Continued pretraining from the converted folder, through torchtitan's HF loader.
cat > "$out/tiny-continued.yaml" <<YAML
name: tiny-continued
model: {hf: hf}
tokenizer: tokenizer
data: {pack: [pack], weights: [1.0]}
training: {seq_len: 32, global_batch: 4, micro_batch: 4, steps: 2, lr: 1.0e-3, warmup: 1, checkpoint_every: 2}
cluster: {nodes: 1, devices_per_node: 1, device: h100, shared_folder: $out/shared}
YAML
"$vern" cluster render "$out/tiny-continued.yaml" --engine torchtitan --output "$out/bundle-continued"
(cd "$out/bundle-continued" && "$venv/bin/python" prepare_initial.py "$out/hf" initial)
"$venv/bin/python" bench/cluster/run_cpu.py "$out/bundle-continued" > "$out/train-continued.log" 2>&1
first_loss() { sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -o 'step: *1 *loss: *[0-9.]*' | head -n 1 | awk '{print $NF}'; }
fresh=$(first_loss "$out/train.log")
continued=$(first_loss "$out/train-continued.log")
echo "step-1 loss from random weights $fresh; from the converted checkpoint $continued" | tee -a "$out/result.txt"
python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) < float(sys.argv[1]) - 0.1 else "the continued run did not start from the trained weights")' "$fresh" "$continued"
