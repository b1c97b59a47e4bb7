#!/usr/bin/env python3
"""Writes a copy of a GGUF with every tensor dequantised to F32 (same names, same llama.cpp
layout, same metadata). A diagnostic for perplexity agreement: llama.cpp multiplies Q4_1/Q8_0
weights against activations it first rounds to 8 bits (Q8_1/Q8_0), while vern dequantises the
weights and multiplies in f32; on an F32 GGUF llama.cpp also computes in f32.

Usage: python3 bench/infer/gguf_to_f32.py IN.gguf OUT.gguf
"""
import sys

import numpy as np
from gguf import GGUFReader, GGUFValueType, GGUFWriter
from gguf.quants import dequantize


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    reader = GGUFReader(sys.argv[1])
    arch = reader.fields["general.architecture"].contents()
    writer = GGUFWriter(sys.argv[2], arch)
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        value = 0 if key == "general.file_type" else field.contents()  # 0: all F32
        vtype = field.types[0]
        sub = field.types[1] if vtype == GGUFValueType.ARRAY else None
        writer.add_key_value(key, value, vtype, sub_type=sub)
    for t in reader.tensors:
        shape = tuple(int(d) for d in reversed(t.shape))
        writer.add_tensor(t.name, dequantize(t.data, t.tensor_type).astype(np.float32).reshape(shape))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(f"wrote {sys.argv[2]}")


if __name__ == "__main__":
    main()
