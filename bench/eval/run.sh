#!/usr/bin/env bash
# bench/eval: multiple choice in `vern eval` against lm-evaluation-harness's `hf` backend on CPU, in
# one run: the same float32 Hugging Face folder (converted once from the GGUF: SmolLM2 by
# bench/infer/gguf_to_hf.py, Gemma 3 by bench/eval/gemma3_to_hf.py), the same prompts, the same items.
#   bench/eval/run.sh [path/to/vern] [items] [--model smollm2|gemma3] [--shots K]
# - Items: Yue-MMLU from ../shared/data/yue-benchmark (skipped with a message when absent): the first
#   ceil(items/22) scored items of each of the 22 subject files, after the K solved examples vern
#   takes from the head of each subject (compare.py slice); both tools read that slice.
# - Prompts: compare.py task rebuilds each prompt with lm-eval's MMLU convention and stops unless it
#   equals the prompt vern recorded; lm-eval then scores exactly that text (a custom task, continuations
#   " A".." D"), so a disagreement can only come from the scoring.
# - Speed: wall time of each whole command (start-up, model load, scoring), vern before and after
#   lm-eval, lm-eval with each batch size in LMEVAL_BATCH (default "8 1"), all cores for both; each
#   vern run writes a fresh folder, so its item cache never answers. Load average printed around.
# - Agreement: compare.py compare, item by item. Goals (issue 13): >= 5x items/s, >= 99% of items
#   agree, accuracy within 0.5 points.
# Needs: python3 with venv; PyPI for lm_eval 0.4.13 [hf], transformers 4.57.6, accelerate 1.13.0,
# gguf 0.17.1, torch 2.11.0 (installed into bench/out/eval/venv; TORCH_SITE=a site-packages folder
# that already holds torch 2.11.0 skips that large download). Output: bench/out/eval/<model>-<K>shot/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/eval
vern=$root/.build/release/vern
items=154
model=smollm2
shots=0
positional=0
while [ $# -gt 0 ]; do
    case $1 in
        --model) model=$2; shift 2 ;;
        --shots) shots=$2; shift 2 ;;
        *) if [ $positional -eq 0 ]; then vern=$1; else items=$1; fi; positional=$((positional + 1)); shift ;;
    esac
done
cd "$root"
data=$root/../shared/data/yue-benchmark/Yue-MMLU
if [ ! -d "$data" ]; then
    echo "bench/eval: skipped: no Yue-MMLU at $data (the shared data folder is absent)"
    exit 0
fi
case $model in
    smollm2) gguf=$root/vendor/models/SmolLM2-135M-Instruct.Q4_1.gguf; convert=$root/bench/infer/gguf_to_hf.py ;;
    gemma3) gguf=$root/vendor/models/gemma-3-270m-q4_k_m.gguf; convert=$here/gemma3_to_hf.py ;;
    *) echo "bench/eval: --model $model: smollm2 or gemma3" >&2; exit 2 ;;
esac
[ -f "$gguf" ] || { echo "bench/eval: $gguf missing: run scripts/bootstrap.sh" >&2; exit 1; }

base=$root/bench/out/eval
venv=$base/venv
mkdir -p "$base"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if [ -n "${TORCH_SITE:-}" ]; then
    echo "$TORCH_SITE" > "$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/torch-site.pth"
fi
"$venv/bin/python" -c 'import torch' 2>/dev/null || "$venv/bin/pip" install -q --disable-pip-version-check "torch==2.11.0"
if ! "$venv/bin/python" -c 'import lm_eval, accelerate, gguf' 2>/dev/null; then
    "$venv/bin/pip" install -q --disable-pip-version-check "lm_eval[hf]==0.4.13" "transformers==4.57.6" \
        "accelerate==1.13.0" "gguf==0.17.1"
fi
py=$venv/bin/python
"$py" -c 'import torch, transformers, lm_eval, importlib.metadata as m; print("torch", torch.__version__, "transformers", transformers.__version__, "lm_eval", m.version("lm_eval"), "threads", torch.get_num_threads())'

hf=$base/$model-f32
[ -f "$hf/model.safetensors" ] || "$py" "$convert" "$gguf" "$hf"

out=$base/$model-${shots}shot
rm -rf "$out"
mkdir -p "$out"
per_subject=$(( (items + 21) / 22 ))
python3 "$here/compare.py" slice "$data" "$out/slice" --per-subject "$per_subject" --shots "$shots"

load() { uptime | sed 's/.*load average: //'; }
now() { date +%s.%N; }
scored() { python3 -c 'import sys; print(sum(1 for l in open(sys.argv[1]) if l.strip()))' "$1"; }
rate() { python3 -c 'import sys; n, t = int(sys.argv[1]), float(sys.argv[2]); print(f"{n} items in {t:.2f} s = {n / t:.3f} items/s")' "$@"; }

run_vern() {  # label
    local dir=$out/vern-$1 start end
    start=$(now)
    "$vern" eval --model "$hf" --task "mc-yue-benchmark=$out/slice" --shots "$shots" --output "$dir" > "$dir.log" 2>&1 \
        || { tail -n 20 "$dir.log" >&2; echo "bench/eval: vern eval failed: see $dir.log" >&2; return 1; }
    end=$(now)
    echo "vern ($1): $(rate "$(scored "$dir/items.jsonl")" "$(python3 -c "print($end - $start)")"); its own figure: $(grep -o '[0-9.]* items/s' "$dir.log" | tail -n 1)"
    python3 -c "print($end - $start)" > "$dir.seconds"
}

run_lmeval() {  # batch size
    local dir=$out/lmeval-b$1 start end
    start=$(now)
    HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false "$venv/bin/lm_eval" --model hf \
        --model_args "pretrained=$hf,dtype=float32" --device cpu --tasks vern_yue_mc --include_path "$out/task" \
        --batch_size "$1" --log_samples --output_path "$dir" > "$dir.log" 2>&1 \
        || { tail -n 20 "$dir.log" >&2; echo "bench/eval: lm-eval failed: see $dir.log" >&2; return 1; }
    end=$(now)
    local samples
    samples=$(ls "$dir"/*/samples_vern_yue_mc_*.jsonl)
    local scoring
    scoring=$(grep -ao 'Running loglikelihood requests: 100%[^]]*' "$dir.log" | tail -n 1 | sed 's/.*\[\([0-9:]*\)<.*/\1/')
    echo "lm-eval (batch $1): $(rate "$(scored "$samples")" "$(python3 -c "print($end - $start)")"); its scoring loop alone: $scoring (mm:ss)"
    python3 -c "print($end - $start)" > "$dir.seconds"
}

echo "load average before: $(load)"
mkdir -p "$out/vern-before"
run_vern before
python3 "$here/compare.py" task "$out/slice" "$out/vern-before/items.jsonl" "$out/task" --shots "$shots"
batches=${LMEVAL_BATCH:-8 1}
for b in $batches; do
    mkdir -p "$out/lmeval-b$b"
    run_lmeval "$b"
done
mkdir -p "$out/vern-after"
run_vern after
echo "load average after: $(load)"

python3 - "$out" $batches <<'PY'
import sys
out, batches = sys.argv[1], sys.argv[2:]
ours = [float(open(f"{out}/vern-{w}.seconds").read()) for w in ("before", "after")]
slowest = max(ours)
for b in batches:
    theirs = float(open(f"{out}/lmeval-b{b}.seconds").read())
    print(f"speed: vern {theirs / slowest:.2f}x lm-eval batch {b} (our slower run), "
          f"{theirs / min(ours):.2f}x (our faster run); goal >= 5x")
PY
for b in $batches; do
    echo "agreement with lm-eval batch $b:"
    python3 "$here/compare.py" compare "$out/vern-before/items.jsonl" "$out"/lmeval-b"$b"/*/samples_vern_yue_mc_*.jsonl \
        --json "$out/agreement-b$b.json"
done
