#!/usr/bin/env bash
# Vocabulary extension bar (issue 7): Cantonese tokens per character down >= 30% for SmolLM2's
# tokenizer, SWC and English not worse; Gemma 3 extended the same way, reported beside. Both bases
# are the GGUF models in vendor/models (`--base smollm2` / `--base gemma3`). Learns on 9/10 of
# HKCanCor's conversations, measures on the other tenth, on 3,000 ctcpc sentences never seen in
# training, on Debian Reference chapters 1-2 (zh-tw: SWC, technical register; en) and on the
# demo's held-out SWC and English samples (demo/samples/heldout-*.txt). Needs a built vern.
# Figures: bench/RESULTS.md ("Vocabulary extension").
set -euo pipefail
vern=${1:-.build/release/vern}
work=${2:-/tmp/vern-extend-bench}
mkdir -p "$work"
"$vern" ingest hkcancor vendor/data/pycantonese/hkcancor --output "$work/hk" -q
zstd -dc "$work"/hk/shard-*.jsonl.zst | python3 -c '
import sys
train, held = open(sys.argv[1] + "/train.jsonl", "w"), open(sys.argv[1] + "/heldout.jsonl", "w")
for i, line in enumerate(sys.stdin):
    (held if i % 10 == 0 else train).write(line)
' "$work"
python3 - "$work" <<'PY'
import glob, html, json, re, sys
work = sys.argv[1]
sents = json.load(open("vendor/data/pycantonese/ctcpc/sents.json", encoding="utf-8"))
with open(work + "/ctcpc.jsonl", "w", encoding="utf-8") as f:
    for i, s in enumerate(sents[1000:4000]):
        f.write(json.dumps({"id": f"ctcpc-{i}", "text": s.replace(" ", "")}, ensure_ascii=False) + "\n")
for lang, name in [("zh-tw", "swc"), ("en", "en")]:
    text = []
    for path in sorted(glob.glob(f"/usr/share/debian-reference/ch0[1-2].{lang}.html")):
        s = open(path, encoding="utf-8").read()
        s = re.sub(r"(?s)<(script|style|pre)[^>]*>.*?</\1>", " ", s)
        text.append(re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", s))))
    open(f"{work}/{name}.txt", "w", encoding="utf-8").write("\n".join(text)[:200000])
PY
for base in smollm2 gemma3; do
    /usr/bin/time -f "$base: %e s, %M KB peak" "$vern" tokenizer extend --base "$base" --add 3000 \
        --input "$work/train.jsonl" --output "$work/$base-extended"
done
"$vern" tokenizer stats --tokenizer smollm2 --tokenizer "$work/smollm2-extended/tokenizer.json" \
    --tokenizer gemma3 --tokenizer "$work/gemma3-extended/tokenizer.json" \
    --input yue="$work/heldout.jsonl" --input yue-ctcpc="$work/ctcpc.jsonl" --input swc="$work/swc.txt" --input en="$work/en.txt" \
    --input swc-demo=demo/samples/heldout-swc.txt --input en-demo=demo/samples/heldout-en.txt \
    --output "$work/fertility.json"
