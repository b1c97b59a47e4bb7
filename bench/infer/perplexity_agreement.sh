#!/usr/bin/env bash
# Perplexity agreement between `vern perplexity --llamacpp-convention` and llama.cpp's
# llama-perplexity on the same GGUF and the same text file (issue 8's bar: within 1%).
#
# Texts (real text, built deterministically):
#   cantonese.txt  consecutive sentences of ctcpc (vendor/data/pycantonese/ctcpc/sents.json, CC0),
#                  one per line, from sentence 1000 on, until CANTO_CHARS characters.
#   english.txt    Debian's copies of GPL-3, LGPL-2.1, Apache-2.0, MPL-2.0 and GFDL-1.3
#                  (/usr/share/common-licenses), concatenated.
# Both tools get the file, a context of 512 and 2 CPU threads (llama.cpp, with -nr: its AMX
# kernels die with SIGILL in this VM, see README.md). The script prints each
# perplexity and the relative difference (vern / llama.cpp - 1).
#
# Usage: bench/infer/perplexity_agreement.sh [smollm2|gemma3|all]   (default: all)
# Env:   OUT_DIR (default /tmp/vern-bench-infer), CANTO_CHARS (default 15000), CONTEXT (default 512),
#        TEXTS (default "cantonese english")
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
vern=$root/.build/release/vern
llama_ppl=$root/bench/peers/llama.cpp/build/bin/llama-perplexity
out=${OUT_DIR:-/tmp/vern-bench-infer}
context=${CONTEXT:-512}
canto_chars=${CANTO_CHARS:-15000}
which=${1:-all}
mkdir -p "$out"

[ -x "$vern" ] || { echo "missing $vern (swift build -c release)" >&2; exit 1; }
[ -x "$llama_ppl" ] || { echo "missing $llama_ppl (run bench/infer/build_llama_cpp.sh)" >&2; exit 1; }

# --- texts -------------------------------------------------------------------------------------
python3 - "$root/vendor/data/pycantonese/ctcpc/sents.json" "$out/cantonese.txt" "$canto_chars" <<'PY'
import json, sys
sentences = json.load(open(sys.argv[1], encoding="utf-8"))
limit = int(sys.argv[3])
lines, total = [], 0
for sentence in sentences[1000:]:
    sentence = " ".join(sentence.split())  # one line per sentence, no control characters
    if not sentence:
        continue
    lines.append(sentence)
    total += len(sentence) + 1
    if total >= limit:
        break
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
PY
licenses=/usr/share/common-licenses
cat "$licenses/GPL-3" "$licenses/LGPL-2.1" "$licenses/Apache-2.0" "$licenses/MPL-2.0" "$licenses/GFDL-1.3" \
    > "$out/english.txt"

model_path() {
    case $1 in
        smollm2) echo "$root/vendor/models/SmolLM2-135M-Instruct.Q4_1.gguf" ;;
        gemma3) echo "$root/vendor/models/gemma-3-270m-q4_k_m.gguf" ;;
        *) echo "unknown model $1" >&2; exit 2 ;;
    esac
}

case $which in
    all) models="smollm2 gemma3" ;;
    *) models=$which ;;
esac

echo "# load: $(uptime)"
printf '%-8s %-10s %8s %7s %12s %12s %9s\n' model text tokens chunks llama.cpp vern diff
for model in $models; do
    gguf=$(model_path "$model")
    for text in ${TEXTS:-cantonese english}; do
        file=$out/$text.txt
        log=$out/llama-perplexity.$model.$text.log
        "$llama_ppl" -m "$gguf" -f "$file" -c "$context" -t 2 -nr >"$log" 2>&1 \
            || { echo "llama-perplexity failed, see $log" >&2; exit 1; }
        # "Final estimate: PPL = 12.3456 +/- 0.12345"
        ref=$(sed -n 's/.*Final estimate: PPL = \([0-9.]*\).*/\1/p' "$log" | tail -1)
        tokens=$(sed -n 's/.*tokenizes to only \([0-9]*\).*/\1/p; s/.*calculating perplexity over \([0-9]*\) chunks.*/\1/p' "$log" | tail -1)
        [ -n "$ref" ] || { echo "no final estimate in $log" >&2; exit 1; }
        json=$("$vern" perplexity --model "$gguf" --input "$file" --context "$context" --llamacpp-convention --json 2>/dev/null)
        echo "$json" >"$out/vern-perplexity.$model.$text.json"
        python3 - "$model" "$text" "$ref" "$tokens" "$json" <<'PY'
import json, sys
model, text, ref, chunks, raw = sys.argv[1:6]
vern = json.loads(raw)
ref = float(ref)
ours = vern["token_perplexity"]
print(f"{model:<8} {text:<10} {vern['tokens']:>8} {chunks:>7} {ref:>12.4f} {ours:>12.4f} {100 * (ours / ref - 1):>+8.3f}%")
PY
    done
done
echo "# load: $(uptime)"
echo "# tokens = tokens scored by vern; chunks = windows llama.cpp scored; logs in $out"
