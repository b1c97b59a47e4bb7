// Debian libopencc-dev: Simplified/Traditional Chinese conversion for the normalize stage.
// Its configurations (s2hk.json, t2hk.json, ...) are in /usr/share/opencc (libopencc-data).
#include <opencc/opencc.h>
