#!/usr/bin/env bash
# bench/report: renders `vern report` of the demo run in headless Chromium (Debian's `chromium`
# package, not part of the default bootstrap: apt-get install -y chromium fonts-wqy-zenhei) and
# checks that the screenshot is a real page: a PNG of the asked size with many colours and ink.
#   bench/report/screenshot.sh [path/to/vern]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
vern=${1:-$root/.build/release/vern}
cd "$root"
out=demo-out
work=bench/out/report
mkdir -p "$work"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "bench/report: no chromium on PATH (apt-get install -y chromium)" >&2; exit 1; }

# The demo's run folder, built the way scripts/demo.sh builds it when it is not there yet.
if [ ! -f "$out/run/stats.json" ]; then
    "$vern" ingest hkcancor vendor/data/pycantonese/hkcancor --output "$out/corpus" --documents-per-shard 8
    mkdir -p "$out/samples" "$out/lm"
    bzip2 -c demo/samples/zh_yuewiki-sample.xml > "$out/samples/zh_yuewiki-sample.xml.bz2"
    "$vern" ingest wiki "$out/samples/zh_yuewiki-sample.xml.bz2" --output "$out/wiki" --compression none
    "$vern" ingest subtitles demo/samples/family-dinner.srt --output "$out/subtitles" --compression none
    lm_inputs=()
    for shard in "$out"/corpus/*.jsonl.zst; do lm_inputs+=(--input "$shard"); done
    "$vern" lm train --order 5 "${lm_inputs[@]}" --output "$out/lm/hkcancor.arpa" --pack langs/yue.yaml
    "$vern" run demo/cantonese.yaml --quiet
fi

"$vern" report "$out/run" --output "$work/report.html"
width=1280 height=2400
# Root needs --no-sandbox; a fresh profile keeps runs apart; the D-Bus complaints are noise.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
    --window-size="$width,$height" --screenshot="$work/report.png" "file://$root/$work/report.html" 2>/dev/null
python3 "$root/bench/report/check_png.py" "$work/report.png" "$width" "$height"
echo "screenshot: $work/report.png"
