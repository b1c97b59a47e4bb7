// Debian zlib1g-dev: gzip streams (.jsonl.gz) and crc32 for shard checksums.
#include <zlib.h>
