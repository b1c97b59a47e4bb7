// Keeps OpenBLAS linked into the executable so that libmlx's cblas_* and LAPACK calls bind to
// OpenBLAS instead of the wheel's reference BLAS (about 30x slower).
#pragma once
#include <stddef.h>
/// Threads OpenBLAS uses.
int vern_openblas_threads(void);
/// The kernel family OpenBLAS chose at load ("Prescott", "Haswell", "SkylakeX", ...).
const char *vern_openblas_core(void);
/// A faster kernel family this CPU can run when OpenBLAS fell back to a pre-AVX2 one, else NULL.
const char *vern_openblas_better_core(void);
/// Path of the shared library that provides cblas_sgemm in this process ("" if unknown).
const char *vern_sgemm_provider(void);
