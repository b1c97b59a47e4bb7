#!/usr/bin/env python3
"""datatrove's JsonlReader -> JsonlWriter over the same shards, two workers (one per core)."""
import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


def main():
    source, target, logs = sys.argv[1:4]
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(source, glob_pattern="*.jsonl.zst", compression="zstd"),
            JsonlWriter(target, compression="zstd"),
        ],
        tasks=8,
        workers=2,
        logging_dir=logs,
    ).run()


if __name__ == "__main__":  # the executor starts worker processes that re-import this file
    main()
