#define _GNU_SOURCE
#include "openblas_anchor.h"
#include <dlfcn.h>

// Declared here rather than through cblas.h, whose install path differs between Debian's
// OpenBLAS variants.
extern int openblas_get_num_threads(void);

int vern_openblas_threads(void) { return openblas_get_num_threads(); }

const char *vern_sgemm_provider(void) {
    void *symbol = dlsym(RTLD_DEFAULT, "cblas_sgemm");
    Dl_info info;
    if (symbol == NULL || dladdr(symbol, &info) == 0 || info.dli_fname == NULL) return "";
    return info.dli_fname;
}
