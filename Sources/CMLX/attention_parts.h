// What the attention kernel (attention.cpp) and its gradient (attention_backward.cpp) share: the
// shape and mask of one call, strided 4-D views, the masked softmax of a block of score rows, and
// BLAS's sgemm.
//
// Legend: B batch, H query heads, Hkv key/value heads (H a multiple), T queries, S keys, D head
// size. Query t sits at key position S − T + t (keys are the cache followed by the new positions).
#pragma once

#include "cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "mlx/mlx.h"

namespace attention_parts {

// A 4-D float32 array as MLX laid it out: any strides (transposed views included).
struct View {
    const float *data;
    int64_t stride[4];
    const float *row(int64_t a, int64_t b, int64_t c) const { return data + a * stride[0] + b * stride[1] + c * stride[2]; }
};

inline View view_of(const mlx::core::array &a) {
    View v{a.data<float>(), {}};
    for (int i = 0; i < 4; ++i) v.stride[i] = a.strides()[i];
    return v;
}

struct Shape {
    int b, h, hkv, t, s, d;
    bool causal;
    int window;  // 0: no window
    float scale;
};

// The keys query t may see: [first, last].
inline void key_range(const Shape &n, int t, int &first, int &last) {
    int own = n.s - n.t + t;
    last = n.causal ? std::min(own, n.s - 1) : n.s - 1;
    first = (n.causal && n.window > 0) ? std::max(0, own - n.window + 1) : 0;
}

// scores[0..<count] -> exp(scores − max), returning their sum.
__attribute__((target("avx2,fma"))) inline float exp_shifted_avx2(float *scores, int count) {
    __m256 largest = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    int j = 0;
    for (; j + 8 <= count; j += 8) largest = _mm256_max_ps(largest, _mm256_loadu_ps(scores + j));
    float top = vx_kernels::horizontal_max(largest);
    for (; j < count; ++j) top = std::max(top, scores[j]);
    __m256 shift = _mm256_set1_ps(top), total = _mm256_setzero_ps();
    j = 0;
    for (; j + 8 <= count; j += 8) {
        __m256 e = vx_kernels::exp8(_mm256_sub_ps(_mm256_loadu_ps(scores + j), shift));
        _mm256_storeu_ps(scores + j, e);
        total = _mm256_add_ps(total, e);
    }
    float sum = vx_kernels::horizontal_sum(total);
    for (; j < count; ++j) {
        scores[j] = std::exp(scores[j] - top);
        sum += scores[j];
    }
    return sum;
}

inline float exp_shifted(float *scores, int count) {
    if (vx_kernels::has_avx2()) return exp_shifted_avx2(scores, count);
    float top = *std::max_element(scores, scores + count);
    float sum = 0;
    for (int j = 0; j < count; ++j) sum += (scores[j] = std::exp(scores[j] - top));
    return sum;
}

// A block of score rows for queries t0..<t0+rows over keys first..<first+span (row r at
// scores + r·span) -> the masked softmax of each row: probabilities where the query may look,
// zeros elsewhere.
inline void softmax_block(const Shape &n, int t0, int rows, int first, int span, float *scores) {
    for (int r = 0; r < rows; ++r) {
        float *row = scores + int64_t(r) * span;
        int row_first, row_last;
        key_range(n, t0 + r, row_first, row_last);
        int from = std::max(row_first - first, 0), to = std::min(row_last - first + 1, span);  // visible part
        std::fill(row, row + std::min(from, span), 0.0f);
        if (to > from) {
            float inverse = 1.0f / exp_shifted(row + from, to - from);
            for (int j = from; j < to; ++j) row[j] *= inverse;
        }
        std::fill(row + std::max(to, from), row + span, 0.0f);
    }
}

// The range of keys a block of queries t0..<t0+rows can see: [first, first + span).
inline void block_keys(const Shape &n, int t0, int rows, int &first, int &span) {
    int last, unused;
    key_range(n, t0, first, unused);
    key_range(n, t0 + rows - 1, unused, last);
    span = last - first + 1;
}

constexpr int query_block = 128;

// Row-major C = alpha · op(A) · op(B) + beta · C, from the OpenBLAS linked into the executable.
extern "C" void cblas_sgemm(int order, int transpose_a, int transpose_b, int m, int n, int k, float alpha,
                            const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
constexpr int row_major = 101, no_transpose = 111, transpose = 112;

// Gradients of causal attention with respect to q, k and v (in that order, shaped as they are),
// given the cotangent of the (B, T, H·D) output: a primitive of our own (attention_backward.cpp).
std::vector<mlx::core::array> attention_gradients(const mlx::core::array &q, const mlx::core::array &k,
                                                  const mlx::core::array &v, const mlx::core::array &cotangent,
                                                  const Shape &shape);

} // namespace attention_parts
