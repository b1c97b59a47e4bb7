/// `megatron_reader.py`: reads `vern pack` shards (Megatron `.bin/.idx`) with numpy alone and
/// blends them into fixed-length training windows. torch-free, so the tests run it as is.
enum MegatronReaderScript {
    static let text = #"""
        """Megatron indexed datasets (PREFIX.idx + PREFIX.bin, as `vern pack` writes them) read with numpy,
        and the blend of several into training windows.

        .idx layout (little-endian): magic MMIDIDX\\0\\0, u64 version 1, u8 dtype code, u64 sequence count S,
        u64 document count + 1, i32[S] lengths, i64[S] byte offsets into .bin, i64[D+1] document starts.

        usage: megatron_reader.py documents PREFIX            one JSON list of token ids per document
               megatron_reader.py windows BLEND.json SEQ_LEN N [RANK WORLD]
                                                             the first N windows (SEQ_LEN + 1 tokens) as JSON
        """
        import json
        import sys

        import numpy as np

        # Megatron's dtype codes (megatron/core/datasets/indexed_dataset.py): integers only.
        DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 8: np.uint16}
        MAGIC = b"MMIDIDX\x00\x00"


        class IndexedDataset:
            """One memory-mapped Megatron dataset; document i is sequence i (vern pack writes one sequence per document)."""

            def __init__(self, prefix):
                self.prefix = prefix
                index = np.memmap(prefix + ".idx", dtype=np.uint8, mode="r")
                if bytes(index[:9]) != MAGIC:
                    raise ValueError(f"{prefix}.idx: not a Megatron index (bad magic)")
                version = int(np.frombuffer(index, dtype="<u8", count=1, offset=9)[0])
                if version != 1:
                    raise ValueError(f"{prefix}.idx: version {version}, expected 1")
                code = int(index[17])
                if code not in DTYPES:
                    raise ValueError(f"{prefix}.idx: dtype code {code} holds no token ids")
                sequences = int(np.frombuffer(index, dtype="<u8", count=1, offset=18)[0])
                documents = int(np.frombuffer(index, dtype="<u8", count=1, offset=26)[0])
                if 34 + 12 * sequences + 8 * documents != index.size:
                    raise ValueError(f"{prefix}.idx: counts do not match the file size {index.size}")
                self.lengths = np.frombuffer(index, dtype="<i4", count=sequences, offset=34)
                self.pointers = np.frombuffer(index, dtype="<i8", count=sequences, offset=34 + 4 * sequences)
                self.dtype = np.dtype(DTYPES[code]).newbyteorder("<")
                self.tokens = np.memmap(prefix + ".bin", dtype=self.dtype, mode="r")
                end = self.pointers + self.lengths.astype(np.int64) * self.dtype.itemsize
                if sequences and int(end.max()) > self.tokens.size * self.dtype.itemsize:
                    raise ValueError(f"{prefix}.bin is shorter than its index says")

            def __len__(self):
                return len(self.lengths)

            def document(self, i):
                start = int(self.pointers[i]) // self.dtype.itemsize
                return np.asarray(self.tokens[start:start + int(self.lengths[i])], dtype=np.int64)


        class BlendedWindows:
            """Windows of seq_len + 1 tokens (input and shifted labels) cut from documents packed end to end.

            Each data-parallel rank takes every world-th document of each dataset; the datasets are
            interleaved by smooth weighted round-robin, so the mix follows the weights at every point and
            reruns give the same order. The state (position per dataset, credits, leftover tokens) is small
            and plain, for checkpoints.
            """

            def __init__(self, prefixes, weights, seq_len, rank=0, world=1):
                if len(prefixes) != len(weights) or not prefixes:
                    raise ValueError("one weight per prefix, at least one prefix")
                self.datasets = [IndexedDataset(p) for p in prefixes]
                for dataset in self.datasets:
                    if len(dataset) <= rank:
                        raise ValueError(f"{dataset.prefix}: {len(dataset)} documents, too few for rank {rank} of {world}")
                total = float(sum(weights))
                self.weights = [w / total for w in weights]
                self.seq_len, self.rank, self.world = seq_len, rank, world
                self.state = {"positions": [0] * len(prefixes), "credits": [0.0] * len(prefixes), "buffer": []}

            def _next_document(self):
                credits = self.state["credits"]
                for k, w in enumerate(self.weights):
                    credits[k] += w
                k = max(range(len(credits)), key=lambda j: credits[j])
                credits[k] -= 1.0
                dataset = self.datasets[k]
                mine = range(self.rank, len(dataset), self.world)
                position = self.state["positions"][k]
                self.state["positions"][k] = position + 1
                return dataset.document(mine[position % len(mine)])

            def __iter__(self):
                return self

            def __next__(self):
                want = self.seq_len + 1
                buffer = self.state["buffer"]
                while len(buffer) < want:
                    buffer.extend(self._next_document().tolist())
                window = buffer[:want]
                del buffer[:want]
                return np.asarray(window, dtype=np.int64)


        def read_blend(path):
            with open(path, encoding="utf-8") as f:
                blend = json.load(f)
            return blend["prefixes"], blend["weights"]


        def main(argv):
            if len(argv) >= 2 and argv[0] == "documents":
                dataset = IndexedDataset(argv[1])
                json.dump([dataset.document(i).tolist() for i in range(len(dataset))], sys.stdout)
            elif len(argv) >= 4 and argv[0] == "windows":
                prefixes, weights = read_blend(argv[1])
                rank, world = (int(argv[4]), int(argv[5])) if len(argv) >= 6 else (0, 1)
                windows = BlendedWindows(prefixes, weights, int(argv[2]), rank, world)
                json.dump([next(windows).tolist() for _ in range(int(argv[3]))], sys.stdout)
            else:
                sys.exit(__doc__)
            print()


        if __name__ == "__main__":
            main(sys.argv[1:])
        """#
}
