"""Reads a Megatron indexed dataset with numpy alone, following the published layout
(megatron/core/datasets/indexed_dataset.py), and compares it with expected documents.

usage: check_megatron.py PREFIX EXPECTED.json
EXPECTED.json: {"dtype_code": int, "documents": [[token ids of document 0], ...]}
Prints "ok" and exits 0 when tokens and document boundaries agree; otherwise says what differs.
Written independently of the Swift writer: it must not import or share anything with it.
"""
import json
import sys

import numpy as np

DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64, 7: np.float32, 8: np.uint16}


def read(prefix):
    idx = np.memmap(prefix + ".idx", dtype=np.uint8, mode="r")
    if bytes(idx[:9]) != b"MMIDIDX\x00\x00":
        raise ValueError("bad magic")
    version = int(np.frombuffer(idx, dtype="<u8", count=1, offset=9)[0])
    if version != 1:
        raise ValueError(f"version {version}")
    code = int(idx[17])
    sequences = int(np.frombuffer(idx, dtype="<u8", count=1, offset=18)[0])
    documents = int(np.frombuffer(idx, dtype="<u8", count=1, offset=26)[0])
    offset = 34
    lengths = np.frombuffer(idx, dtype="<i4", count=sequences, offset=offset)
    offset += lengths.nbytes
    pointers = np.frombuffer(idx, dtype="<i8", count=sequences, offset=offset)
    offset += pointers.nbytes
    boundaries = np.frombuffer(idx, dtype="<i8", count=documents, offset=offset)
    offset += boundaries.nbytes
    if offset != idx.size:
        raise ValueError(f"{idx.size - offset} bytes left over in .idx")
    dtype = np.dtype(DTYPES[code]).newbyteorder("<")
    bin_ = np.memmap(prefix + ".bin", dtype=np.uint8, mode="r")
    # Megatron reads each sequence as np.frombuffer(bin, dtype, count=length, offset=pointer).
    seqs = [np.frombuffer(bin_, dtype=dtype, count=int(n), offset=int(p)).tolist() for n, p in zip(lengths, pointers)]
    docs = [sum(seqs[int(a):int(b)], []) for a, b in zip(boundaries[:-1], boundaries[1:])]
    return code, docs, int(bin_.size)


def main():
    prefix, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    code, docs, bin_bytes = read(prefix)
    problems = []
    if code != expected["dtype_code"]:
        problems.append(f"dtype code {code}, expected {expected['dtype_code']}")
    if len(docs) != len(expected["documents"]):
        problems.append(f"{len(docs)} documents, expected {len(expected['documents'])}")
    for i, (got, want) in enumerate(zip(docs, expected["documents"])):
        if got != want:
            problems.append(f"document {i}: {got[:12]}... expected {want[:12]}...")
            break
    size = np.dtype(DTYPES[code]).itemsize
    if bin_bytes != size * sum(len(d) for d in expected["documents"]):
        problems.append(f".bin has {bin_bytes} bytes, expected tokens * {size}")
    if problems:
        print("; ".join(problems))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
