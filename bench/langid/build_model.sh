#!/usr/bin/env bash
# Rebuilds the default Cantonese language-ID model (langs/langid-yue.vlid) from packaged data and
# scores it against canto-filter and cantonesedetect. Offline apart from pip/apt package installs.
#   bash bench/langid/build_model.sh            # data, model, comparison -> bench/out/langid/results.md
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v opencc_dict >/dev/null || [ ! -d /usr/share/man/zh_CN ] || [ ! -f /usr/share/debian-reference/debian-reference.en.txt.gz ]; then
    apt-get install -y opencc libopencc-data manpages-zh debian-reference-zh-tw debian-reference-zh-cn debian-reference-en
fi
python3 -c "import cantofilter, cantonesedetect" 2>/dev/null || python3 -m pip install canto-filter==1.1.4 cantonesedetect==1.1.2
python3 bench/langid/prepare_data.py --out bench/out/langid
nice -n 10 swift build -c release --product vern
.build/release/vern langid train --pack langs/yue.yaml bench/out/langid/train.tsv --output langs/langid-yue.vlid
sha256sum langs/langid-yue.vlid
python3 bench/langid/compare.py --eval bench/out/langid/eval.tsv | tee bench/out/langid/results.md
