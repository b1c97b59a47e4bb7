#!/usr/bin/env python3
"""datatrove's Gopher repetition, Gopher quality and FineWeb quality filters over the same shards.

JsonlReader -> the three filters -> JsonlWriter, two workers (one per core), as vern runs
normalise -> quality -> pii with a writer. The filters keep their default (English word)
tokeniser: datatrove has no Cantonese one, and jieba/spaCy would only make it slower, so the
comparison flatters the peer rather than us.

    datatrove_quality.py SHARDS_DIR OUT_DIR LOGS_DIR
"""
import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


def main():
    source, target, logs = sys.argv[1:4]
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(source, glob_pattern="*.jsonl.zst", compression="zstd"),
            GopherRepetitionFilter(),
            GopherQualityFilter(),
            FineWebQualityFilter(),
            JsonlWriter(target, compression="zstd"),
        ],
        tasks=8,
        workers=2,
        logging_dir=logs,
    ).run()


# LocalPipelineExecutor starts worker processes that re-import this file.
if __name__ == "__main__":
    main()
