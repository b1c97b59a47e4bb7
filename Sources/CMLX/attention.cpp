// Our own CPU attention as an MLX custom primitive: softmax(q kᵀ · scale + causal/window mask) v
// in one pass per query row, with grouped-query heads and the output already in (B, T, H·D).
// MLX's CPU fallback builds the same from a mask, `where`, a softmax whose exp runs one float at
// a time, two matmuls and transposes: about a quarter of prompt time, and six graph nodes per
// layer when decoding one token.
// The gradient is our own kernel too (attention_backward.cpp); the shapes' legend is in
// attention_parts.h.
#include "shim_common.h"
#include "attention_parts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "mlx/backend/cpu/encoder.h"
#include "mlx/mlx.h"
#include "mlx/primitives.h"

namespace mx = mlx::core;

namespace {

using namespace attention_parts;

// Copies a row of D features into `buffer` when its features are not adjacent.
const float *dense_row(const float *row, int64_t step, int d, float *buffer) {
    if (step == 1) return row;
    for (int i = 0; i < d; ++i) buffer[i] = row[i * step];
    return buffer;
}

__attribute__((target("avx2,fma"))) float dot_avx2(const float *a, const float *b, int d) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= d; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    }
    for (; i + 8 <= d; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    float total = vx_kernels::horizontal_sum(_mm256_add_ps(acc0, acc1));
    for (; i < d; ++i) total += a[i] * b[i];
    return total;
}

// out[0..<d] += weight · row
__attribute__((target("avx2,fma"))) void axpy_avx2(float weight, const float *row, float *out, int d) {
    __m256 w = _mm256_set1_ps(weight);
    int i = 0;
    for (; i + 8 <= d; i += 8) _mm256_storeu_ps(out + i, _mm256_fmadd_ps(w, _mm256_loadu_ps(row + i), _mm256_loadu_ps(out + i)));
    for (; i < d; ++i) out[i] += weight * row[i];
}

// One query row: (b, h, t) -> out (D).
void attend_row(const Shape &n, const View &q, const View &k, const View &v, int b, int h, int t, float *out,
                std::vector<float> &scores, std::vector<float> &buffer) {
    const bool fast = vx_kernels::has_avx2();
    int first, last;
    key_range(n, t, first, last);
    std::fill(out, out + n.d, 0.0f);
    if (last < first) return;
    int kv = h / (n.h / n.hkv);
    int count = last - first + 1;
    float *query = buffer.data(), *scratch = buffer.data() + n.d;
    const float *qrow = dense_row(q.row(b, h, t), q.stride[3], n.d, scratch);
    for (int i = 0; i < n.d; ++i) query[i] = qrow[i] * n.scale;
    for (int j = 0; j < count; ++j) {
        const float *krow = dense_row(k.row(b, kv, first + j), k.stride[3], n.d, scratch);
        if (fast) {
            scores[j] = dot_avx2(query, krow, n.d);
        } else {
            float s = 0;
            for (int i = 0; i < n.d; ++i) s += query[i] * krow[i];
            scores[j] = s;
        }
    }
    float sum = exp_shifted(scores.data(), count);
    for (int j = 0; j < count; ++j) {
        const float *vrow = dense_row(v.row(b, kv, first + j), v.stride[3], n.d, scratch);
        if (fast) {
            axpy_avx2(scores[j], vrow, out, n.d);
        } else {
            for (int i = 0; i < n.d; ++i) out[i] += scores[j] * vrow[i];
        }
    }
    float inverse = 1.0f / sum;
    for (int i = 0; i < n.d; ++i) out[i] *= inverse;
}

// Many queries (a prompt): per head and block of queries, scores = q kᵀ and out = p v by BLAS
// over only the keys the block can see, with the masked softmax between them by our exp.
// Needs each row's features adjacent (true for the models' views and caches).
void attention_by_blocks(const Shape &n, const View &q, const View &k, const View &v, float *out) {
    const int rep = n.h / n.hkv;
    std::vector<float> scores(size_t(query_block) * n.s);
    for (int b = 0; b < n.b; ++b) {
        for (int h = 0; h < n.h; ++h) {
            int kv = h / rep;
            for (int t0 = 0; t0 < n.t; t0 += query_block) {
                int rows = std::min(query_block, n.t - t0);
                int first, span;
                block_keys(n, t0, rows, first, span);
                float *block_out = out + ((int64_t(b) * n.t + t0) * n.h + h) * n.d;
                if (span <= 0) {
                    for (int r = 0; r < rows; ++r) std::fill(block_out + int64_t(r) * n.h * n.d, block_out + int64_t(r) * n.h * n.d + n.d, 0.0f);
                    continue;
                }
                cblas_sgemm(row_major, no_transpose, transpose, rows, span, n.d, n.scale, q.row(b, h, t0), int(q.stride[2]),
                            k.row(b, kv, first), int(k.stride[2]), 0.0f, scores.data(), span);
                softmax_block(n, t0, rows, first, span, scores.data());
                cblas_sgemm(row_major, no_transpose, no_transpose, rows, n.d, span, 1.0f, scores.data(), span,
                            v.row(b, kv, first), int(v.stride[2]), 0.0f, block_out, n.h * n.d);
            }
        }
    }
}

bool rows_are_dense(const View &a, int d) { return a.stride[3] == 1 && a.stride[2] >= d; }

void attention_kernel(const Shape &n, const View &q, const View &k, const View &v, float *out) {
    if (n.t >= 8 && rows_are_dense(q, n.d) && rows_are_dense(k, n.d) && rows_are_dense(v, n.d)) {
        attention_by_blocks(n, q, k, v, out);
        return;
    }
    const int64_t rows = int64_t(n.b) * n.h * n.t;
    // One chunk per query row (under a causal mask later rows cost more, so the two threads
    // taking rows from one counter stay balanced).
    vx_kernels::parallel_chunks(int(rows), rows * int64_t(n.s) * n.d >= (1 << 16), [&](int r) {
        thread_local std::vector<float> scores, buffer;
        if (scores.size() < size_t(std::max(n.s, 1))) scores.resize(std::max(n.s, 1));
        if (buffer.size() < 2 * size_t(n.d)) buffer.resize(2 * size_t(n.d));
        int t = int(r % n.t), h = int((r / n.t) % n.h), b = int(r / (int64_t(n.t) * n.h));
        attend_row(n, q, k, v, b, h, t, out + ((int64_t(b) * n.t + t) * n.h + h) * n.d, scores, buffer);
    });
}

// The same computation from MLX operations: the gradient, and the check for the kernel.
mx::array reference_attention(const mx::array &q, const mx::array &k, const mx::array &v, const Shape &n) {
    int rep = n.h / n.hkv;
    auto grouped = mx::reshape(mx::multiply(q, mx::array(n.scale)), {n.b, n.hkv, rep, n.t, n.d});
    auto keys = mx::expand_dims(mx::swapaxes(k, -1, -2), 2);                  // (B, Hkv, 1, D, S)
    auto scores = mx::matmul(grouped, keys);                                  // (B, Hkv, rep, T, S)
    if (n.causal) {
        auto own = mx::add(mx::reshape(mx::arange(n.t, mx::int32), {n.t, 1}), mx::array(n.s - n.t));
        auto key = mx::reshape(mx::arange(n.s, mx::int32), {1, n.s});
        auto allowed = mx::less_equal(key, own);
        if (n.window > 0) allowed = mx::logical_and(allowed, mx::less(mx::subtract(own, key), mx::array(n.window)));
        scores = mx::where(allowed, scores, mx::array(-std::numeric_limits<float>::infinity()));
    }
    auto probabilities = mx::softmax(scores, std::vector<int>{-1}, true);
    auto attended = mx::matmul(probabilities, mx::expand_dims(v, 2));       // (B, Hkv, rep, T, D)
    attended = mx::reshape(attended, {n.b, n.h, n.t, n.d});
    return mx::reshape(mx::transpose(attended, {0, 2, 1, 3}), {n.b, n.t, n.h * n.d});
}

class Attention : public mx::UnaryPrimitive {
  public:
    Attention(mx::Stream stream, Shape shape) : mx::UnaryPrimitive(stream), n_(shape) {}

    void eval_cpu(const std::vector<mx::array> &inputs, mx::array &out) override {
        for (const auto &input : inputs)
            if (input.ndim() != 4 || input.dtype() != mx::float32) throw std::invalid_argument("attention inputs must be 4-D float32");
        out.set_data(mx::allocator::malloc(out.nbytes()));
        auto &encoder = mx::cpu::get_command_encoder(stream());
        for (const auto &input : inputs) encoder.set_input_array(input);
        encoder.set_output_array(out);
        encoder.dispatch([n = n_, q = view_of(inputs[0]), k = view_of(inputs[1]), v = view_of(inputs[2]),
                          o = out.data<float>()]() { attention_kernel(n, q, k, v, o); });
    }

    void eval_gpu(const std::vector<mx::array> &, mx::array &) override {
        throw std::runtime_error("attention has no GPU kernel");
    }

    std::vector<mx::array> vjp(const std::vector<mx::array> &primals, const std::vector<mx::array> &cotangents,
                               const std::vector<int> &argnums, const std::vector<mx::array> &) override {
        auto gradients = attention_gradients(primals[0], primals[1], primals[2], cotangents[0], n_);
        std::vector<mx::array> selected;
        for (int index : argnums) selected.push_back(gradients[index]);
        return selected;
    }

    const char *name() const override { return "VernacularAttention"; }

    bool is_equivalent(const mx::Primitive &other) const override {
        auto *same = dynamic_cast<const Attention *>(&other);
        return same && same->n_.causal == n_.causal && same->n_.window == n_.window && same->n_.scale == n_.scale &&
               same->n_.h == n_.h && same->n_.hkv == n_.hkv;
    }

  private:
    Shape n_;
};

Shape checked_shape(const mx::array &q, const mx::array &k, const mx::array &v, float scale, int causal, int window) {
    if (q.ndim() != 4 || k.ndim() != 4 || v.ndim() != 4) throw std::invalid_argument("q, k and v must be 4-D");
    Shape n{q.shape(0), q.shape(1), k.shape(1), q.shape(2), k.shape(2), q.shape(3), causal != 0, std::max(window, 0), scale};
    if (k.shape(0) != n.b || v.shape(0) != n.b) throw std::invalid_argument("batch sizes differ");
    if (n.hkv <= 0 || n.h % n.hkv != 0 || v.shape(1) != n.hkv)
        throw std::invalid_argument("query heads (" + std::to_string(n.h) + ") must be a multiple of key/value heads (" +
                                    std::to_string(n.hkv) + ")");
    if (k.shape(3) != n.d || v.shape(3) != n.d) throw std::invalid_argument("head sizes differ");
    if (v.shape(2) != n.s) throw std::invalid_argument("keys and values have different lengths");
    if (n.causal && n.t > n.s) throw std::invalid_argument("more queries than keys under a causal mask");
    return n;
}

} // namespace

using vx_shim::guarded;

extern "C" {

int vx_attention(vx_array q, vx_array k, vx_array v, float scale, int causal, int window, vx_array *out) {
    return guarded("attention", [&] {
        if (q == nullptr || k == nullptr || v == nullptr || out == nullptr) throw std::invalid_argument("null array");
        auto query = mx::astype(q->value, mx::float32), key = mx::astype(k->value, mx::float32),
             value = mx::astype(v->value, mx::float32);
        Shape n = checked_shape(query, key, value, scale, causal, window);
        auto stream = mx::default_stream(mx::Device::cpu);
        *out = new vx_array_opaque{mx::array({n.b, n.t, n.h * n.d}, mx::float32, std::make_shared<Attention>(stream, n),
                                             {query, key, value})};
    });
}

int vx_attention_reference(vx_array q, vx_array k, vx_array v, float scale, int causal, int window, vx_array *out) {
    return guarded("attention_reference", [&] {
        if (q == nullptr || k == nullptr || v == nullptr || out == nullptr) throw std::invalid_argument("null array");
        Shape n = checked_shape(q->value, k->value, v->value, scale, causal, window);
        *out = new vx_array_opaque{reference_attention(q->value, k->value, v->value, n)};
    });
}

} // extern "C"
