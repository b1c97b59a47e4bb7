#define _GNU_SOURCE
#include "openblas_anchor.h"
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

// Declared here rather than through cblas.h, whose install path differs between Debian's
// OpenBLAS variants.
extern int openblas_get_num_threads(void);
extern char *openblas_get_corename(void);

int vern_openblas_threads(void) { return openblas_get_num_threads(); }

const char *vern_openblas_core(void) {
    const char *name = openblas_get_corename();
    return name ? name : "";
}

// Cores whose kernels predate AVX2 and FMA: what OpenBLAS falls back to when it does not
// recognise a CPU (Debian 12's 0.3.21 takes Sapphire Rapids for "Prescott", SSE3).
static int is_pre_avx2_core(const char *name) {
    static const char *const old[] = {"prescott", "core2", "penryn", "dunnington", "nehalem", "atom",
                                      "katmai", "coppermine", "northwood", "banias", "athlon", "opteron",
                                      "barcelona", "bobcat", "sandybridge", "unknown", NULL};
    for (int i = 0; old[i] != NULL; ++i)
        if (strcasecmp(name, old[i]) == 0) return 1;
    return 0;
}

const char *vern_openblas_better_core(void) {
    if (!is_pre_avx2_core(vern_openblas_core())) return NULL;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512cd"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
    return NULL;
}

const char *vern_sgemm_provider(void) {
    void *symbol = dlsym(RTLD_DEFAULT, "cblas_sgemm");
    Dl_info info;
    if (symbol == NULL || dladdr(symbol, &info) == 0 || info.dli_fname == NULL) return "";
    return info.dli_fname;
}
