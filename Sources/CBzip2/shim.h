// Debian libbz2-dev: streaming decompression of MediaWiki dumps (.xml.bz2, multistream).
#include <bzlib.h>
