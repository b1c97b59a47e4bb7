// Debian libzstd-dev: streaming compression for .jsonl.zst shards.
#include <zstd.h>
