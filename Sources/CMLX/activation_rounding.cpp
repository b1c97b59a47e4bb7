// llama.cpp's rounding of activations, to compare perplexities with it on equal terms. For a
// quantised weight, llama.cpp first quantises the input row to 8 bits (Q8_0/Q8_1 blocks of 32
// for the legacy types, Q8_K blocks of 256 for the k-quants) and multiplies integers; we
// dequantise weights to float32 and multiply floats. On float32 copies of the same GGUF the two
// agree to 0.02%; with quantised weights the activation rounding alone moved perplexity by about
// 1%. This primitive applies the same rounding (quantise, then dequantise) so the rest of the
// comparison measures the model, not that rounding. Used only when asked for.
#include "shim_common.h"

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

// Q8_0/Q8_1 (as ggml's AVX2 path): d = max|x| / 127, q = round-to-nearest-even(x · 127 / max|x|).
void round_q8_0(const float *x, float *y, int count) {
    float largest = 0;
    for (int i = 0; i < count; ++i) largest = std::max(largest, std::fabs(x[i]));
    if (largest == 0) {
        std::fill(y, y + count, 0.0f);
        return;
    }
    float d = largest / 127.0f, id = 127.0f / largest;
    for (int i = 0; i < count; ++i) y[i] = std::nearbyint(x[i] * id) * d;
}

// Q8_K (ggml's reference): the signed value of largest magnitude maps to −127, q clamped to 127.
void round_q8_k(const float *x, float *y, int count) {
    float amax = 0, signed_max = 0;
    for (int i = 0; i < count; ++i)
        if (std::fabs(x[i]) > amax) {
            amax = std::fabs(x[i]);
            signed_max = x[i];
        }
    if (amax == 0) {
        std::fill(y, y + count, 0.0f);
        return;
    }
    float iscale = -127.0f / signed_max;
    for (int i = 0; i < count; ++i) y[i] = std::min(127.0f, std::nearbyint(iscale * x[i])) / iscale;
}

class ActivationRounding : public mx::UnaryPrimitive {
  public:
    ActivationRounding(mx::Stream stream, int kind) : mx::UnaryPrimitive(stream), kind_(kind) {}

    void eval_cpu(const std::vector<mx::array> &inputs, mx::array &out) override {
        const auto &x = inputs[0];
        if (!x.flags().row_contiguous) throw std::invalid_argument("activation rounding needs a row-contiguous input");
        out.set_data(mx::allocator::malloc(out.nbytes()));
        auto &encoder = mx::cpu::get_command_encoder(stream());
        encoder.set_input_array(x);
        encoder.set_output_array(out);
        encoder.dispatch([xp = x.data<float>(), yp = out.data<float>(), size = int64_t(x.size()), kind = kind_]() {
            int block = kind == VX_ROUND_Q8_K ? 256 : 32;
            for (int64_t start = 0; start < size; start += block) {
                if (kind == VX_ROUND_Q8_K) round_q8_k(xp + start, yp + start, block);
                else round_q8_0(xp + start, yp + start, block);
            }
        });
    }

    void eval_gpu(const std::vector<mx::array> &, mx::array &) override {
        throw std::runtime_error("activation rounding has no GPU kernel");
    }

    const char *name() const override { return "VernacularActivationRounding"; }

    bool is_equivalent(const mx::Primitive &other) const override {
        auto *same = dynamic_cast<const ActivationRounding *>(&other);
        return same && same->kind_ == kind_;
    }

  private:
    int kind_;
};

} // namespace

using vx_shim::guarded;

extern "C" {

int vx_round_activations(vx_array x, int kind, vx_array *out) {
    return guarded("round_activations", [&] {
        if (x == nullptr || out == nullptr) throw std::invalid_argument("null array");
        if (kind != VX_ROUND_Q8_0 && kind != VX_ROUND_Q8_K) throw std::invalid_argument("unknown rounding");
        int block = kind == VX_ROUND_Q8_K ? 256 : 32;
        auto input = mx::contiguous(mx::astype(x->value, mx::float32));
        if (input.ndim() < 1 || input.shape(-1) % block != 0)
            throw std::invalid_argument("the last axis (" + std::to_string(input.ndim() ? input.shape(-1) : 0) +
                                        ") is not a multiple of the block size " + std::to_string(block));
        auto stream = mx::default_stream(mx::Device::cpu);
        *out = new vx_array_opaque{mx::array(input.shape(), mx::float32, std::make_shared<ActivationRounding>(stream, kind), {input})};
    });
}

} // extern "C"
