// MinHash signature kernels; shapes and the exact definition are in include/minhash_kernels.h.
//
// All kernels are hash-major: a block of hashes keeps its running minima in registers while the
// document's shingles (a few KB, in L1) stream past, so each shingle is loaded once per block
// and broadcast to every lane. The vector kernels are compiled with per-function target
// attributes and chosen at run time, so one binary runs on any x86-64 and uses what the CPU has.
#include "minhash_kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#define VERN_X86 1
#include <immintrin.h>
#endif

// The naive definition: also the fallback on CPUs (and architectures) without a vector kernel.
static void minhash_scalar(const uint64_t *x, size_t s_count, const uint64_t *a, const uint64_t *b,
                           size_t k_count, uint64_t *sig) {
    for (size_t k = 0; k < k_count; ++k) {
        const uint64_t multiplier = a[k], addend = b[k];
        uint64_t minimum = UINT64_MAX;
        for (size_t s = 0; s < s_count; ++s) {
            const uint64_t value = multiplier * x[s] + addend;
            minimum = value < minimum ? value : minimum;
        }
        sig[k] = minimum;
    }
}

#ifdef VERN_X86

// AVX2 has neither a 64-bit multiply nor an unsigned 64-bit min. The multiply is built from
// 32-bit ones: a*x mod 2^64 = lo(a)lo(x) + ((hi(a)lo(x) + lo(a)hi(x)) << 32). The min uses the
// signed compare on values offset by 2^63, which maps unsigned order onto signed order; adding
// 2^63 mod 2^64 is the same as flipping the top bit, so the offset rides in the addend for free
// and is flipped back once at the end.
#define VERN_AVX2_WIDTH 8  // hashes per pass: two vectors of four

__attribute__((target("avx2"))) static inline __m256i mul64_avx2(__m256i a, __m256i a_high, __m256i x,
                                                                 __m256i x_high) {
    const __m256i low = _mm256_mul_epu32(a, x);
    const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(a_high, x), _mm256_mul_epu32(a, x_high));
    return _mm256_add_epi64(low, _mm256_slli_epi64(cross, 32));
}

__attribute__((target("avx2"))) static void minhash_avx2(const uint64_t *x, size_t s_count, const uint64_t *a,
                                                         const uint64_t *b, size_t k_count, uint64_t *sig) {
    const __m256i top = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
    size_t k = 0;
    for (; k + VERN_AVX2_WIDTH <= k_count; k += VERN_AVX2_WIDTH) {
        const __m256i a0 = _mm256_loadu_si256((const __m256i *)(a + k));
        const __m256i a1 = _mm256_loadu_si256((const __m256i *)(a + k + 4));
        const __m256i a0_high = _mm256_srli_epi64(a0, 32), a1_high = _mm256_srli_epi64(a1, 32);
        const __m256i b0 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(b + k)), top);
        const __m256i b1 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(b + k + 4)), top);
        // Offset by 2^63, so the signed maximum stands for UINT64_MAX.
        __m256i m0 = _mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFLL), m1 = m0;
        for (size_t s = 0; s < s_count; ++s) {
            const __m256i value = _mm256_set1_epi64x((long long)x[s]);
            const __m256i value_high = _mm256_set1_epi64x((long long)(x[s] >> 32));
            const __m256i v0 = _mm256_add_epi64(mul64_avx2(a0, a0_high, value, value_high), b0);
            const __m256i v1 = _mm256_add_epi64(mul64_avx2(a1, a1_high, value, value_high), b1);
            m0 = _mm256_blendv_epi8(m0, v0, _mm256_cmpgt_epi64(m0, v0));
            m1 = _mm256_blendv_epi8(m1, v1, _mm256_cmpgt_epi64(m1, v1));
        }
        _mm256_storeu_si256((__m256i *)(sig + k), _mm256_xor_si256(m0, top));
        _mm256_storeu_si256((__m256i *)(sig + k + 4), _mm256_xor_si256(m1, top));
    }
    // Fewer than eight hashes left: the plain loop.
    if (k < k_count) minhash_scalar(x, s_count, a + k, b + k, k_count - k, sig + k);
}

// AVX-512 F+DQ: vpmullq multiplies 64-bit lanes and vpminuq takes the unsigned min, so each
// hash costs one multiply, one add and one min per shingle, eight lanes at a time. Four vectors
// per pass share each broadcast; a masked pass takes the last K mod 8 hashes.
#define VERN_AVX512_WIDTH 32  // hashes per pass: four vectors of eight

__attribute__((target("avx512f,avx512dq"))) static void minhash_avx512(const uint64_t *x, size_t s_count,
                                                                       const uint64_t *a, const uint64_t *b,
                                                                       size_t k_count, uint64_t *sig) {
    size_t k = 0;
    for (; k + VERN_AVX512_WIDTH <= k_count; k += VERN_AVX512_WIDTH) {
        const __m512i a0 = _mm512_loadu_si512(a + k), a1 = _mm512_loadu_si512(a + k + 8);
        const __m512i a2 = _mm512_loadu_si512(a + k + 16), a3 = _mm512_loadu_si512(a + k + 24);
        const __m512i b0 = _mm512_loadu_si512(b + k), b1 = _mm512_loadu_si512(b + k + 8);
        const __m512i b2 = _mm512_loadu_si512(b + k + 16), b3 = _mm512_loadu_si512(b + k + 24);
        __m512i m0 = _mm512_set1_epi64(-1), m1 = m0, m2 = m0, m3 = m0;
        for (size_t s = 0; s < s_count; ++s) {
            const __m512i value = _mm512_set1_epi64((long long)x[s]);
            m0 = _mm512_min_epu64(m0, _mm512_add_epi64(_mm512_mullo_epi64(a0, value), b0));
            m1 = _mm512_min_epu64(m1, _mm512_add_epi64(_mm512_mullo_epi64(a1, value), b1));
            m2 = _mm512_min_epu64(m2, _mm512_add_epi64(_mm512_mullo_epi64(a2, value), b2));
            m3 = _mm512_min_epu64(m3, _mm512_add_epi64(_mm512_mullo_epi64(a3, value), b3));
        }
        _mm512_storeu_si512(sig + k, m0);
        _mm512_storeu_si512(sig + k + 8, m1);
        _mm512_storeu_si512(sig + k + 16, m2);
        _mm512_storeu_si512(sig + k + 24, m3);
    }
    for (; k < k_count; k += 8) {
        const size_t left = k_count - k;
        const __mmask8 lanes = left >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << left) - 1);
        const __m512i a0 = _mm512_maskz_loadu_epi64(lanes, a + k), b0 = _mm512_maskz_loadu_epi64(lanes, b + k);
        __m512i m0 = _mm512_set1_epi64(-1);
        for (size_t s = 0; s < s_count; ++s) {
            const __m512i value = _mm512_set1_epi64((long long)x[s]);
            m0 = _mm512_min_epu64(m0, _mm512_add_epi64(_mm512_mullo_epi64(a0, value), b0));
        }
        _mm512_mask_storeu_epi64(sig + k, lanes, m0);
    }
}

#endif  // VERN_X86

int vern_minhash_kernel_supported(int kernel) {
    switch (kernel) {
    case VERN_MINHASH_SCALAR: return 1;
#ifdef VERN_X86
    case VERN_MINHASH_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2");
    case VERN_MINHASH_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#endif
    default: return 0;
    }
}

int vern_minhash_best_kernel(void) {
    // Racing first calls compute the same answer; the int store is atomic on every target here.
    static volatile int best = -1;
    if (best < 0) {
        int found = VERN_MINHASH_SCALAR;
        if (vern_minhash_kernel_supported(VERN_MINHASH_AVX2)) found = VERN_MINHASH_AVX2;
        if (vern_minhash_kernel_supported(VERN_MINHASH_AVX512)) found = VERN_MINHASH_AVX512;
        best = found;
    }
    return best;
}

const char *vern_minhash_kernel_name(int kernel) {
    switch (kernel) {
    case VERN_MINHASH_AVX2: return "avx2";
    case VERN_MINHASH_AVX512: return "avx512";
    default: return "scalar";
    }
}

void vern_minhash_signature(int kernel, const uint64_t *x, size_t s_count, const uint64_t *a,
                            const uint64_t *b, size_t k_count, uint64_t *sig) {
    // Every CPU with AVX-512 F+DQ also has AVX2, so "supported" is "at most the best".
    if (kernel > vern_minhash_best_kernel()) kernel = VERN_MINHASH_SCALAR;
    switch (kernel) {
#ifdef VERN_X86
    case VERN_MINHASH_AVX512: minhash_avx512(x, s_count, a, b, k_count, sig); return;
    case VERN_MINHASH_AVX2: minhash_avx2(x, s_count, a, b, k_count, sig); return;
#endif
    default: minhash_scalar(x, s_count, a, b, k_count, sig); return;
    }
}
