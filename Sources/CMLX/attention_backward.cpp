// The gradient of our causal attention as one MLX primitive with three outputs (dq, dk, dv).
// Differentiating the reference composite instead materialised every score, mask and softmax
// of the layer as MLX arrays and ran exp one float at a time: about a quarter of a training step.
//
// Per head and block of queries, with the probabilities P recomputed from q and k (nothing is
// kept from the forward pass, as in FlashAttention's backward):
//   dP = dO vᵀ,  dS = P ∘ (dP − rowsum(P ∘ dP)),
//   dq = scale · dS k,  dk += scale · dSᵀ q,  dv += Pᵀ dO,
// the products by BLAS over only the keys the block can see. The query heads of one key/value
// head add into the same dk and dv rows, so the heads run in order.
#include "shim_common.h"
#include "attention_parts.h"

#include <stdexcept>
#include <vector>

#include "mlx/backend/cpu/encoder.h"
#include "mlx/mlx.h"
#include "mlx/primitives.h"

namespace mx = mlx::core;
using namespace attention_parts;

namespace {

// Dense inputs: q (B, H, T, D), k and v (B, Hkv, S, D), cotangent (B, T, H·D). Outputs dense,
// shaped as q, k and v.
struct Gradients {
    float *dq, *dk, *dv;
};

// dS in place of dP: dP_rj <- P_rj (dP_rj − Σ_j P_rj dP_rj), for one block of rows.
void softmax_gradient_block(const float *probabilities, float *gradient, int rows, int span) {
    for (int r = 0; r < rows; ++r) {
        const float *p = probabilities + int64_t(r) * span;
        float *g = gradient + int64_t(r) * span;
        float dot = 0;
        for (int j = 0; j < span; ++j) dot += p[j] * g[j];
        for (int j = 0; j < span; ++j) g[j] = p[j] * (g[j] - dot);
    }
}

void attention_backward_kernel(const Shape &n, const float *q, const float *k, const float *v, const float *dout,
                               Gradients out) {
    const int rep = n.h / n.hkv;
    const int64_t d = n.d, model_width = int64_t(n.h) * n.d;
    std::fill(out.dk, out.dk + int64_t(n.b) * n.hkv * n.s * d, 0.0f);
    std::fill(out.dv, out.dv + int64_t(n.b) * n.hkv * n.s * d, 0.0f);
    std::vector<float> probabilities(size_t(query_block) * n.s), gradient(size_t(query_block) * n.s);
    for (int b = 0; b < n.b; ++b) {
        for (int h = 0; h < n.h; ++h) {
            const int kv = h / rep;
            const float *keys = k + (int64_t(b) * n.hkv + kv) * n.s * d;
            const float *values = v + (int64_t(b) * n.hkv + kv) * n.s * d;
            float *key_gradient = out.dk + (int64_t(b) * n.hkv + kv) * n.s * d;
            float *value_gradient = out.dv + (int64_t(b) * n.hkv + kv) * n.s * d;
            for (int t0 = 0; t0 < n.t; t0 += query_block) {
                const int rows = std::min(query_block, n.t - t0);
                const float *queries = q + ((int64_t(b) * n.h + h) * n.t + t0) * d;
                const float *dO = dout + (int64_t(b) * n.t + t0) * model_width + int64_t(h) * d;
                float *query_gradient = out.dq + ((int64_t(b) * n.h + h) * n.t + t0) * d;
                int first, span;
                block_keys(n, t0, rows, first, span);
                if (span <= 0) {
                    std::fill(query_gradient, query_gradient + rows * d, 0.0f);
                    continue;
                }
                float *p = probabilities.data(), *g = gradient.data();
                const float *block_keys_start = keys + int64_t(first) * d;
                const float *block_values_start = values + int64_t(first) * d;
                cblas_sgemm(row_major, no_transpose, transpose, rows, span, n.d, n.scale, queries, n.d, block_keys_start,
                            n.d, 0.0f, p, span);
                softmax_block(n, t0, rows, first, span, p);
                // dP = dO vᵀ
                cblas_sgemm(row_major, no_transpose, transpose, rows, span, n.d, 1.0f, dO, int(model_width),
                            block_values_start, n.d, 0.0f, g, span);
                // dv += Pᵀ dO
                cblas_sgemm(row_major, transpose, no_transpose, span, n.d, rows, 1.0f, p, span, dO, int(model_width), 1.0f,
                            value_gradient + int64_t(first) * d, n.d);
                softmax_gradient_block(p, g, rows, span);
                // dq = scale · dS k;  dk += scale · dSᵀ q
                cblas_sgemm(row_major, no_transpose, no_transpose, rows, n.d, span, n.scale, g, span, block_keys_start, n.d,
                            0.0f, query_gradient, n.d);
                cblas_sgemm(row_major, transpose, no_transpose, span, n.d, rows, n.scale, g, span, queries, n.d, 1.0f,
                            key_gradient + int64_t(first) * d, n.d);
            }
        }
    }
}

class AttentionGradient : public mx::Primitive {
  public:
    AttentionGradient(mx::Stream stream, Shape shape) : mx::Primitive(stream), n_(shape) {}

    void eval_cpu(const std::vector<mx::array> &inputs, std::vector<mx::array> &outputs) override {
        for (const auto &input : inputs)
            if (!input.flags().row_contiguous || input.dtype() != mx::float32)
                throw std::invalid_argument("attention gradient inputs must be row-contiguous float32");
        auto &encoder = mx::cpu::get_command_encoder(stream());
        for (const auto &input : inputs) encoder.set_input_array(input);
        for (auto &output : outputs) {
            output.set_data(mx::allocator::malloc(output.nbytes()));
            encoder.set_output_array(output);
        }
        encoder.dispatch([n = n_, q = inputs[0].data<float>(), k = inputs[1].data<float>(), v = inputs[2].data<float>(),
                          dout = inputs[3].data<float>(),
                          out = Gradients{outputs[0].data<float>(), outputs[1].data<float>(), outputs[2].data<float>()}]() {
            attention_backward_kernel(n, q, k, v, dout, out);
        });
    }

    void eval_gpu(const std::vector<mx::array> &, std::vector<mx::array> &) override {
        throw std::runtime_error("attention gradient has no GPU kernel");
    }

    const char *name() const override { return "VernacularAttentionGradient"; }

    bool is_equivalent(const mx::Primitive &other) const override {
        auto *same = dynamic_cast<const AttentionGradient *>(&other);
        return same && same->n_.causal == n_.causal && same->n_.window == n_.window && same->n_.scale == n_.scale &&
               same->n_.h == n_.h && same->n_.hkv == n_.hkv;
    }

  private:
    Shape n_;
};

} // namespace

namespace attention_parts {

std::vector<mx::array> attention_gradients(const mx::array &q, const mx::array &k, const mx::array &v,
                                           const mx::array &cotangent, const Shape &shape) {
    auto stream = mx::default_stream(mx::Device::cpu);
    // contiguous() shares the buffer of an input that already is.
    std::vector<mx::array> inputs{mx::contiguous(q), mx::contiguous(k), mx::contiguous(v),
                                  mx::contiguous(mx::astype(cotangent, mx::float32))};
    return mx::array::make_arrays({q.shape(), k.shape(), v.shape()}, {mx::float32, mx::float32, mx::float32},
                                  std::make_shared<AttentionGradient>(stream, shape), inputs);
}

} // namespace attention_parts
