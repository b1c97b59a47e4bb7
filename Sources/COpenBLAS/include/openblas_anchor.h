// Keeps OpenBLAS linked into the executable so that libmlx's cblas_* and LAPACK calls bind to
// OpenBLAS instead of the wheel's reference BLAS (about 30x slower).
#pragma once
#include <stddef.h>
/// Threads OpenBLAS uses.
int vern_openblas_threads(void);
/// Path of the shared library that provides cblas_sgemm in this process ("" if unknown).
const char *vern_sgemm_provider(void);
