// Cross-entropy per position, logsumexp(logits) − logits[target], and its gradient, as two MLX
// primitives of our own. Over a 49k-token vocabulary the composite (logsumexp, take, subtract)
// and its gradient (softmax, scatter) ran exp one float at a time over every logit, twice, and
// kept several (B, T, V) arrays alive: the largest share of a training step after the matmuls.
// Here each row is two passes (max, then Σ exp) forward and three backward, 8 floats at a time,
// rows shared between the two cores.
#include "shim_common.h"
#include "cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "mlx/backend/cpu/encoder.h"
#include "mlx/mlx.h"
#include "mlx/primitives.h"

namespace mx = mlx::core;

namespace {

__attribute__((target("avx2,fma"))) float row_max_avx2(const float *row, int64_t count) {
    __m256 largest = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    int64_t j = 0;
    for (; j + 8 <= count; j += 8) largest = _mm256_max_ps(largest, _mm256_loadu_ps(row + j));
    float top = vx_kernels::horizontal_max(largest);
    for (; j < count; ++j) top = std::max(top, row[j]);
    return top;
}

__attribute__((target("avx2,fma"))) float row_exp_sum_avx2(const float *row, int64_t count, float shift) {
    __m256 s = _mm256_set1_ps(shift), total0 = _mm256_setzero_ps(), total1 = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 16 <= count; j += 16) {
        total0 = _mm256_add_ps(total0, vx_kernels::exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), s)));
        total1 = _mm256_add_ps(total1, vx_kernels::exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j + 8), s)));
    }
    float sum = vx_kernels::horizontal_sum(_mm256_add_ps(total0, total1));
    for (; j < count; ++j) sum += std::exp(row[j] - shift);
    return sum;
}

// out[j] = scale · exp(row[j] − shift)
__attribute__((target("avx2,fma"))) void scaled_exp_avx2(const float *row, int64_t count, float shift, float scale,
                                                         float *out) {
    __m256 s = _mm256_set1_ps(shift), w = _mm256_set1_ps(scale);
    int64_t j = 0;
    for (; j + 8 <= count; j += 8)
        _mm256_storeu_ps(out + j, _mm256_mul_ps(w, vx_kernels::exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), s))));
    for (; j < count; ++j) out[j] = scale * std::exp(row[j] - shift);
}

float row_logsumexp(const float *row, int64_t count) {
    if (vx_kernels::has_avx2()) {
        float top = row_max_avx2(row, count);
        if (!std::isfinite(top)) return top;
        return top + std::log(row_exp_sum_avx2(row, count, top));
    }
    float top = *std::max_element(row, row + count);
    if (!std::isfinite(top)) return top;
    double sum = 0;
    for (int64_t j = 0; j < count; ++j) sum += std::exp(row[j] - top);
    return top + float(std::log(sum));
}

constexpr int rows_per_chunk = 16;

template <typename Body> void for_each_row(int64_t rows, int64_t vocabulary, Body body) {
    int chunks = int((rows + rows_per_chunk - 1) / rows_per_chunk);
    vx_kernels::parallel_chunks(chunks, rows * vocabulary >= (1 << 16), [&](int c) {
        int64_t end = std::min(rows, int64_t(c + 1) * rows_per_chunk);
        for (int64_t r = int64_t(c) * rows_per_chunk; r < end; ++r) body(r);
    });
}

// A target outside the vocabulary gives NaN: a loss that cannot be mistaken for a real one.
void cross_entropy_kernel(const float *logits, const int32_t *targets, float *out, int64_t rows, int64_t vocabulary) {
    for_each_row(rows, vocabulary, [&](int64_t r) {
        const float *row = logits + r * vocabulary;
        int32_t target = targets[r];
        out[r] = (target < 0 || target >= vocabulary) ? std::numeric_limits<float>::quiet_NaN()
                                                      : row_logsumexp(row, vocabulary) - row[target];
    });
}

// d loss_r / d logits_rj = g_r · (softmax(row)_j − [j = target_r])
void cross_entropy_gradient_kernel(const float *logits, const int32_t *targets, const float *cotangent, float *out,
                                   int64_t rows, int64_t vocabulary) {
    for_each_row(rows, vocabulary, [&](int64_t r) {
        const float *row = logits + r * vocabulary;
        float *gradient = out + r * vocabulary;
        float g = cotangent[r];
        int32_t target = targets[r];
        if (g == 0.0f) {  // masked positions: most of a padded or SFT batch
            std::fill(gradient, gradient + vocabulary, 0.0f);
            return;
        }
        float lse = row_logsumexp(row, vocabulary);
        if (vx_kernels::has_avx2()) {
            scaled_exp_avx2(row, vocabulary, lse, g, gradient);
        } else {
            for (int64_t j = 0; j < vocabulary; ++j) gradient[j] = g * std::exp(row[j] - lse);
        }
        if (target >= 0 && target < vocabulary) gradient[target] -= g;
    });
}

void check_inputs(const std::vector<mx::array> &inputs) {
    for (const auto &input : inputs)
        if (!input.flags().row_contiguous) throw std::invalid_argument("cross-entropy inputs must be row-contiguous");
}

class CrossEntropyGradient : public mx::UnaryPrimitive {
  public:
    explicit CrossEntropyGradient(mx::Stream stream) : mx::UnaryPrimitive(stream) {}

    void eval_cpu(const std::vector<mx::array> &inputs, mx::array &out) override {
        check_inputs(inputs);
        out.set_data(mx::allocator::malloc(out.nbytes()));
        auto &encoder = mx::cpu::get_command_encoder(stream());
        for (const auto &input : inputs) encoder.set_input_array(input);
        encoder.set_output_array(out);
        int64_t vocabulary = out.shape(-1);
        encoder.dispatch([l = inputs[0].data<float>(), t = inputs[1].data<int32_t>(), g = inputs[2].data<float>(),
                          o = out.data<float>(), rows = int64_t(out.size()) / vocabulary, vocabulary]() {
            cross_entropy_gradient_kernel(l, t, g, o, rows, vocabulary);
        });
    }

    void eval_gpu(const std::vector<mx::array> &, mx::array &) override {
        throw std::runtime_error("cross-entropy has no GPU kernel");
    }

    const char *name() const override { return "VernacularCrossEntropyGradient"; }
    bool is_equivalent(const mx::Primitive &other) const override {
        return dynamic_cast<const CrossEntropyGradient *>(&other) != nullptr;
    }
};

class CrossEntropy : public mx::UnaryPrimitive {
  public:
    explicit CrossEntropy(mx::Stream stream) : mx::UnaryPrimitive(stream) {}

    void eval_cpu(const std::vector<mx::array> &inputs, mx::array &out) override {
        check_inputs(inputs);
        out.set_data(mx::allocator::malloc(out.nbytes()));
        auto &encoder = mx::cpu::get_command_encoder(stream());
        for (const auto &input : inputs) encoder.set_input_array(input);
        encoder.set_output_array(out);
        int64_t vocabulary = inputs[0].shape(-1);
        encoder.dispatch([l = inputs[0].data<float>(), t = inputs[1].data<int32_t>(), o = out.data<float>(),
                          rows = int64_t(out.size()), vocabulary]() { cross_entropy_kernel(l, t, o, rows, vocabulary); });
    }

    void eval_gpu(const std::vector<mx::array> &, mx::array &) override {
        throw std::runtime_error("cross-entropy has no GPU kernel");
    }

    std::vector<mx::array> vjp(const std::vector<mx::array> &primals, const std::vector<mx::array> &cotangents,
                               const std::vector<int> &argnums, const std::vector<mx::array> &) override {
        std::vector<mx::array> gradients;
        for (int index : argnums) {
            if (index != 0) throw std::invalid_argument("cross-entropy has no gradient with respect to its targets");
            auto cotangent = mx::contiguous(mx::astype(cotangents[0], mx::float32));
            gradients.push_back(mx::array(primals[0].shape(), mx::float32,
                                          std::make_shared<CrossEntropyGradient>(stream()),
                                          {primals[0], primals[1], cotangent}));
        }
        return gradients;
    }

    const char *name() const override { return "VernacularCrossEntropy"; }
    bool is_equivalent(const mx::Primitive &other) const override {
        return dynamic_cast<const CrossEntropy *>(&other) != nullptr;
    }
};

mx::array reference_cross_entropy(const mx::array &logits, const mx::array &targets) {
    auto picked = mx::take_along_axis(logits, mx::expand_dims(targets, -1), -1);
    return mx::subtract(mx::logsumexp(logits, -1, false), mx::squeeze(picked, -1));
}

} // namespace

using vx_shim::guarded;

extern "C" {

int vx_cross_entropy(vx_array logits, vx_array targets, int reference, vx_array *out) {
    return guarded("cross_entropy", [&] {
        if (logits == nullptr || targets == nullptr || out == nullptr) throw std::invalid_argument("null array");
        const auto &l = logits->value;
        const auto &t = targets->value;
        bool shapes_fit = l.ndim() >= 1 && t.ndim() == l.ndim() - 1;
        for (int axis = 0; shapes_fit && axis < t.ndim(); ++axis) shapes_fit = t.shape(axis) == l.shape(axis);
        if (!shapes_fit)
            throw std::invalid_argument("targets must have the shape of the logits without their last axis");
        if (reference) {
            *out = new vx_array_opaque{reference_cross_entropy(l, t)};
            return;
        }
        auto stream = mx::default_stream(mx::Device::cpu);
        std::vector<mx::array> inputs{mx::contiguous(mx::astype(l, mx::float32)), mx::contiguous(mx::astype(t, mx::int32))};
        *out = new vx_array_opaque{mx::array(t.shape(), mx::float32, std::make_shared<CrossEntropy>(stream), inputs)};
    });
}

} // extern "C"
