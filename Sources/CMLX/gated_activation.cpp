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

// The composite from MLX operations: the gradient, and the check for the kernel.
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
        int kind = kind_;
        auto [outputs, gradients] = mx::vjp(
            [kind](const std::vector<mx::array> &x) { return std::vector<mx::array>{reference_gated_fused(x[0], kind)}; },
            primals, cotangents);
        return {gradients[0]};
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
