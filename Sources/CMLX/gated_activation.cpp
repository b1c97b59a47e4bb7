// The gated MLP activations as one MLX custom primitive: silu(gate) · up (Llama, Qwen) and
// gelu_tanh(gate) · up (Gemma), with exp on 8 floats at a time. MLX's CPU build runs sigmoid and
// tanh one float at a time, and the composite takes three to seven graph nodes per layer.
//
// Both are x · sigmoid(a·x) forms: silu(x) = x·σ(x); gelu_tanh(x) = ½x(1 + tanh u) = x·σ(2u)
// with u = √(2/π)(x + 0.044715x³).
#include "shim_common.h"
#include "cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "mlx/backend/cpu/encoder.h"
#include "mlx/mlx.h"
#include "mlx/primitives.h"

namespace mx = mlx::core;

namespace {

constexpr float gelu_c = 0.7978845608028654f;  // √(2/π)

inline float gated_scalar(float x, float up, int kind) {
    float argument = kind == VX_GATE_SILU ? x : 2.0f * gelu_c * (x + 0.044715f * x * x * x);
    return x / (1.0f + std::exp(-argument)) * up;
}

__attribute__((target("avx2,fma"))) void gated_avx2(const float *gate, const float *up, float *out, int64_t count, int kind) {
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 x = _mm256_loadu_ps(gate + i);
        __m256 argument = x;
        if (kind == VX_GATE_GELU_TANH) {
            __m256 cube = _mm256_mul_ps(_mm256_mul_ps(x, x), x);
            argument = _mm256_mul_ps(_mm256_set1_ps(2.0f * gelu_c), _mm256_fmadd_ps(_mm256_set1_ps(0.044715f), cube, x));
        }
        __m256 e = vx_kernels::exp8(_mm256_sub_ps(zero, argument));
        __m256 y = _mm256_div_ps(x, _mm256_add_ps(one, e));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(y, _mm256_loadu_ps(up + i)));
    }
    for (; i < count; ++i) out[i] = gated_scalar(gate[i], up[i], kind);
}

// out[i] = act(gate[i]) · up[i] for i < count, 8 at a time where the CPU can.
void gated_span(const float *gate, const float *up, float *out, int64_t count, int kind) {
    if (vx_kernels::has_avx2()) {
        gated_avx2(gate, up, out, count, kind);
    } else {
        for (int64_t i = 0; i < count; ++i) out[i] = gated_scalar(gate[i], up[i], kind);
    }
}

// Gate and up side by side in each row of `fused` (rows × 2F) -> out (rows × F).
void gated_fused_kernel(const float *fused, float *out, int64_t rows, int64_t width, int kind) {
    if (rows == 1) {
        // Decoding: split the one row.
        constexpr int64_t chunk = 1024;
        int chunks = int((width + chunk - 1) / chunk);
        vx_kernels::parallel_chunks(chunks, width >= (1 << 14), [&](int c) {
            int64_t begin = c * chunk, end = std::min(width, begin + chunk);
            gated_span(fused + begin, fused + width + begin, out + begin, end - begin, kind);
        });
        return;
    }
    vx_kernels::parallel_chunks(int(rows), rows * width >= (1 << 15), [&](int r) {
        const float *gate = fused + int64_t(r) * 2 * width;
        gated_span(gate, gate + width, out + int64_t(r) * width, width, kind);
    });
}

// The gradient of one row: cotangent c (F) -> [dgate | dup] (2F), with
//   dup = c · act(x),  dgate = c · up · (σ(z) + x σ(z)(1 − σ(z)) z′),
// z = x for silu and z = 2√(2/π)(x + 0.044715x³) for gelu_tanh.
inline void gated_gradient_scalar(float x, float up, float c, int kind, float &dgate, float &dup) {
    float z = x, slope = 1.0f;
    if (kind == VX_GATE_GELU_TANH) {
        z = 2.0f * gelu_c * (x + 0.044715f * x * x * x);
        slope = 2.0f * gelu_c * (1.0f + 3.0f * 0.044715f * x * x);
    }
    float sigma = 1.0f / (1.0f + std::exp(-z));
    dup = c * x * sigma;
    dgate = c * up * (sigma + x * sigma * (1.0f - sigma) * slope);
}

__attribute__((target("avx2,fma"))) void gated_gradient_avx2(const float *gate, const float *up, const float *c,
                                                             float *dgate, float *dup, int64_t count, int kind) {
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 x = _mm256_loadu_ps(gate + i), z = x, slope = one;
        if (kind == VX_GATE_GELU_TANH) {
            __m256 square = _mm256_mul_ps(x, x);
            z = _mm256_mul_ps(_mm256_set1_ps(2.0f * gelu_c),
                              _mm256_fmadd_ps(_mm256_set1_ps(0.044715f), _mm256_mul_ps(square, x), x));
            slope = _mm256_mul_ps(_mm256_set1_ps(2.0f * gelu_c), _mm256_fmadd_ps(_mm256_set1_ps(3.0f * 0.044715f), square, one));
        }
        __m256 sigma = _mm256_div_ps(one, _mm256_add_ps(one, vx_kernels::exp8(_mm256_sub_ps(zero, z))));
        __m256 cotangent = _mm256_loadu_ps(c + i);
        _mm256_storeu_ps(dup + i, _mm256_mul_ps(cotangent, _mm256_mul_ps(x, sigma)));
        // σ + x σ (1 − σ) z′
        __m256 derivative = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_mul_ps(x, sigma), _mm256_sub_ps(one, sigma)), slope, sigma);
        _mm256_storeu_ps(dgate + i, _mm256_mul_ps(_mm256_mul_ps(cotangent, _mm256_loadu_ps(up + i)), derivative));
    }
    for (; i < count; ++i) gated_gradient_scalar(gate[i], up[i], c[i], kind, dgate[i], dup[i]);
}

// Gate and up side by side in each row of `fused` (rows × 2F), cotangent (rows × F) -> their
// gradients side by side (rows × 2F).
void gated_fused_gradient_kernel(const float *fused, const float *cotangent, float *out, int64_t rows, int64_t width,
                                 int kind) {
    vx_kernels::parallel_chunks(int(rows), rows * width >= (1 << 14), [&](int r) {
        const float *gate = fused + int64_t(r) * 2 * width, *c = cotangent + int64_t(r) * width;
        float *dgate = out + int64_t(r) * 2 * width;
        if (vx_kernels::has_avx2()) {
            gated_gradient_avx2(gate, gate + width, c, dgate, dgate + width, width, kind);
        } else {
            for (int64_t i = 0; i < width; ++i)
                gated_gradient_scalar(gate[i], gate[width + i], c[i], kind, dgate[i], dgate[width + i]);
        }
    });
}

class GatedFusedGradient : public mx::UnaryPrimitive {
  public:
    GatedFusedGradient(mx::Stream stream, int kind) : mx::UnaryPrimitive(stream), kind_(kind) {}

    void eval_cpu(const std::vector<mx::array> &inputs, mx::array &out) override {
        for (const auto &input : inputs)
            if (!input.flags().row_contiguous) throw std::invalid_argument("gated activation gradient needs row-contiguous inputs");
        out.set_data(mx::allocator::malloc(out.nbytes()));
        auto &encoder = mx::cpu::get_command_encoder(stream());
        for (const auto &input : inputs) encoder.set_input_array(input);
        encoder.set_output_array(out);
        int64_t width = out.shape(-1) / 2;
        encoder.dispatch([f = inputs[0].data<float>(), c = inputs[1].data<float>(), o = out.data<float>(),
                          rows = int64_t(out.size()) / (2 * width), width,
                          kind = kind_]() { gated_fused_gradient_kernel(f, c, o, rows, width, kind); });
    }

    void eval_gpu(const std::vector<mx::array> &, mx::array &) override {
        throw std::runtime_error("gated activation has no GPU kernel");
    }

    const char *name() const override { return "VernacularGatedFusedGradient"; }

    bool is_equivalent(const mx::Primitive &other) const override {
        auto *same = dynamic_cast<const GatedFusedGradient *>(&other);
        return same && same->kind_ == kind_;
    }

  private:
    int kind_;
};

// The composite from MLX operations: the check for the kernel and its gradient.
mx::array reference_gated(const mx::array &gate, const mx::array &up, int kind) {
    mx::array argument = gate;
    if (kind == VX_GATE_GELU_TANH) {
        auto cube = mx::multiply(mx::multiply(gate, gate), gate);
        argument = mx::multiply(mx::array(2.0f * gelu_c), mx::add(gate, mx::multiply(mx::array(0.044715f), cube)));
    }
    return mx::multiply(mx::multiply(gate, mx::sigmoid(argument)), up);
}

mx::array reference_gated_fused(const mx::array &fused, int kind) {
    auto parts = mx::split(fused, 2, -1);
    return reference_gated(parts[0], parts[1], kind);
}

class GatedFused : public mx::UnaryPrimitive {
  public:
    GatedFused(mx::Stream stream, int kind) : mx::UnaryPrimitive(stream), kind_(kind) {}

    void eval_cpu(const std::vector<mx::array> &inputs, mx::array &out) override {
        const auto &fused = inputs[0];
        if (!fused.flags().row_contiguous) throw std::invalid_argument("gated activation needs a row-contiguous input");
        out.set_data(mx::allocator::malloc(out.nbytes()));
        auto &encoder = mx::cpu::get_command_encoder(stream());
        encoder.set_input_array(fused);
        encoder.set_output_array(out);
        int64_t width = out.shape(-1);
        encoder.dispatch([f = fused.data<float>(), o = out.data<float>(), rows = int64_t(out.size()) / width, width,
                          kind = kind_]() { gated_fused_kernel(f, o, rows, width, kind); });
    }

    void eval_gpu(const std::vector<mx::array> &, mx::array &) override {
        throw std::runtime_error("gated activation has no GPU kernel");
    }

    std::vector<mx::array> vjp(const std::vector<mx::array> &primals, const std::vector<mx::array> &cotangents,
                               const std::vector<int> &argnums, const std::vector<mx::array> &) override {
        auto cotangent = mx::contiguous(mx::astype(cotangents[0], mx::float32));
        return {mx::array(primals[0].shape(), mx::float32, std::make_shared<GatedFusedGradient>(stream(), kind_),
                          {primals[0], cotangent})};
    }

    const char *name() const override { return "VernacularGatedFused"; }

    bool is_equivalent(const mx::Primitive &other) const override {
        auto *same = dynamic_cast<const GatedFused *>(&other);
        return same && same->kind_ == kind_;
    }

  private:
    int kind_;
};

// act(gate) · up by our kernel, gate and up side by side on the last axis of `fused`.
mx::array gated_by_kernel(const mx::array &fused, int kind) {
    auto shape = fused.shape();
    shape.back() /= 2;
    auto stream = mx::default_stream(mx::Device::cpu);
    return mx::array(shape, mx::float32, std::make_shared<GatedFused>(stream, kind), {fused});
}

} // namespace

using vx_shim::guarded;

extern "C" {

int vx_gated_activation(vx_array gate, vx_array up, int kind, int reference, vx_array *out) {
    return guarded("gated_activation", [&] {
        if (gate == nullptr || up == nullptr || out == nullptr) throw std::invalid_argument("null array");
        if (kind != VX_GATE_SILU && kind != VX_GATE_GELU_TANH) throw std::invalid_argument("unknown activation");
        if (gate->value.shape() != up->value.shape()) throw std::invalid_argument("gate and up shapes differ");
        auto g = mx::astype(gate->value, mx::float32), u = mx::astype(up->value, mx::float32);
        // Separate gate and up go to the kernel side by side (the models stack them at load).
        *out = new vx_array_opaque{reference ? reference_gated(g, u, kind) : gated_by_kernel(mx::concatenate({g, u}, -1), kind)};
    });
}

int vx_gated_activation_fused(vx_array fused, int kind, int reference, vx_array *out) {
    return guarded("gated_activation", [&] {
        if (fused == nullptr || out == nullptr) throw std::invalid_argument("null array");
        if (kind != VX_GATE_SILU && kind != VX_GATE_GELU_TANH) throw std::invalid_argument("unknown activation");
        auto f = mx::astype(fused->value, mx::float32);
        if (f.ndim() < 1 || f.shape(-1) % 2 != 0) throw std::invalid_argument("the last axis must hold gate and up (even size)");
        *out = new vx_array_opaque{reference ? reference_gated_fused(f, kind) : gated_by_kernel(f, kind)};
    });
}

} // extern "C"
