// MinHash signature kernels for VernacularDedup: the hot loop of near-duplicate stage 1.
//
// Legend: S shingles of one document, K hash functions (permutations).
//   x   is (S,)  64-bit shingle hashes, already well mixed (Hash64)
//   a   is (K,)  odd multipliers, b is (K,) addends
//   sig is (K,)  sig[k] = min over s of (a[k] * x[s] + b[k]) mod 2^64, unsigned order;
//                UINT64_MAX for every k when S = 0.
// Every kernel computes exactly these values (integer arithmetic, no rounding), so signatures do
// not depend on the CPU a shard ran on. The Swift scalar loop in MinHasher.swift is the reference
// the tests compare each kernel against.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// Kernels, fastest last. Not every one runs on every CPU: see vern_minhash_kernel_supported.
enum vern_minhash_kernel {
    VERN_MINHASH_SCALAR = 0,
    /// x86-64 AVX2: four hashes per vector, 64-bit multiply built from three 32-bit ones.
    VERN_MINHASH_AVX2 = 1,
    /// x86-64 AVX-512 F+DQ: eight hashes per vector, native 64-bit multiply and unsigned min.
    VERN_MINHASH_AVX512 = 2,
};

/// Whether `kernel` can run on this CPU (and was compiled in for this architecture).
int vern_minhash_kernel_supported(int kernel);

/// The fastest kernel this CPU supports, decided once.
int vern_minhash_best_kernel(void);

/// "scalar", "avx2" or "avx512".
const char *vern_minhash_kernel_name(int kernel);

/// Computes sig (K) from x (S) with the given kernel; one this CPU lacks falls back to scalar.
void vern_minhash_signature(int kernel, const uint64_t *x, size_t s_count, const uint64_t *a,
                            const uint64_t *b, size_t k_count, uint64_t *sig);
