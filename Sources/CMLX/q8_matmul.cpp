// Our own CPU kernel for decoding: y = x · Wᵀ with W stored as 8-bit blocks, as an MLX custom
// primitive. Decoding one token is a matrix-vector product whose cost is reading the weights;
// float32 weights move 4 bytes per weight, these blocks 1.125. MLX's own CPU quantized matmul
// is slow (about 2 GFLOP/s), hence this.
//
// Legend: R rows of x (B·T), K input features, N output features; K is a multiple of 32.
// Block layout (36 bytes per 32 weights): float scale d, then int8 q[32]; weight = d · q.
// Rows of W are stored one after another: N rows × K/32 blocks.
#include "vx.h"
#include "cpu_kernels.h"

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <immintrin.h>

#include "mlx/backend/cpu/encoder.h"
#include "mlx/mlx.h"
#include "mlx/primitives.h"

namespace mx = mlx::core;

struct vx_array_opaque {
    mx::array value;
};

namespace {

constexpr int block_size = 32;
constexpr int block_bytes = 4 + block_size;

struct Block {
    float scale;
    int8_t q[block_size];
};
static_assert(sizeof(Block) == block_bytes, "block layout");

// Quantises 32 floats to one block (round to nearest, halves to even; scale = max|v| / 127).
void quantize_block_reference(const float *values, Block &block) {
    float largest = 0;
    for (int i = 0; i < block_size; ++i) largest = std::max(largest, std::fabs(values[i]));
    block.scale = largest / 127.0f;
    float inverse = block.scale > 0 ? 1.0f / block.scale : 0.0f;
    for (int i = 0; i < block_size; ++i) block.q[i] = static_cast<int8_t>(std::nearbyint(values[i] * inverse));
}

// The same with AVX2 (loading a model quantises every weight: libm's lround per value was a
// tenth of a short generation).
__attribute__((target("avx2,fma"))) void quantize_block_avx2(const float *values, Block &block) {
    const __m256 sign_bit = _mm256_set1_ps(-0.0f);
    __m256 v[4], largest = _mm256_setzero_ps();
    for (int i = 0; i < 4; ++i) {
        v[i] = _mm256_loadu_ps(values + 8 * i);
        largest = _mm256_max_ps(largest, _mm256_andnot_ps(sign_bit, v[i]));
    }
    float top = vx_kernels::horizontal_max(largest);
    block.scale = top / 127.0f;
    __m256 inverse = _mm256_set1_ps(block.scale > 0 ? 1.0f / block.scale : 0.0f);
    alignas(32) int32_t q[block_size];
    for (int i = 0; i < 4; ++i) {
        __m256 rounded = _mm256_round_ps(_mm256_mul_ps(v[i], inverse), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_store_si256(reinterpret_cast<__m256i *>(q + 8 * i), _mm256_cvttps_epi32(rounded));
    }
    for (int i = 0; i < block_size; ++i) block.q[i] = static_cast<int8_t>(q[i]);
}

void quantize_block(const float *values, Block &block) {
    if (vx_kernels::has_avx2()) quantize_block_avx2(values, block);
    else quantize_block_reference(values, block);
}

// Reference dot product of one quantised x row with one weight row: the plain version the
// AVX2 kernel is checked against.
float dot_reference(const Block *x, const Block *w, int blocks) {
    float total = 0;
    for (int b = 0; b < blocks; ++b) {
        int32_t sum = 0;
        for (int i = 0; i < block_size; ++i) sum += int32_t(x[b].q[i]) * int32_t(w[b].q[i]);
        total += x[b].scale * w[b].scale * float(sum);
    }
    return total;
}

// The same with AVX2: |x| as unsigned bytes times w carrying x's sign, summed in pairs by
// maddubs (at most 2·127·127, no saturation), then in fours by madd, then scaled per block.
__attribute__((target("avx2,fma"))) float dot_avx2(const Block *x, const Block *w, int blocks) {
    __m256 acc = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    for (int b = 0; b < blocks; ++b) {
        __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x[b].q));
        __m256i qw = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(w[b].q));
        __m256i ax = _mm256_sign_epi8(qx, qx);
        __m256i sw = _mm256_sign_epi8(qw, qx);
        __m256i pairs = _mm256_maddubs_epi16(ax, sw);
        __m256i quads = _mm256_madd_epi16(pairs, ones);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].scale * w[b].scale), _mm256_cvtepi32_ps(quads), acc);
    }
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
    return _mm_cvtss_f32(sum);
}

using vx_kernels::has_avx2;

// x: (R, K) float32, w: N × K/32 blocks -> y: (R, N) float32.
void q8_matmul_kernel(const float *x, const Block *w, float *y, int rows, int n, int k) {
    const int blocks = k / block_size;
    std::vector<Block> qx(static_cast<size_t>(rows) * blocks);
    for (int r = 0; r < rows; ++r)
        for (int b = 0; b < blocks; ++b) quantize_block(x + size_t(r) * k + size_t(b) * block_size, qx[size_t(r) * blocks + b]);
    auto compute = [&](int begin, int end) {
        const bool fast = has_avx2();
        for (int r = 0; r < rows; ++r) {
            const Block *xr = qx.data() + size_t(r) * blocks;
            for (int o = begin; o < end; ++o) {
                const Block *wr = w + size_t(o) * blocks;
                y[size_t(r) * n + o] = fast ? dot_avx2(xr, wr, blocks) : dot_reference(xr, wr, blocks);
            }
        }
    };
    // Chunks of output rows, a multiple of 16 each, shared between the two threads.
    const int chunks = std::max(1, std::min(16, n / 64));
    const int per_chunk = ((n + chunks - 1) / chunks + 15) & ~15;
    vx_kernels::parallel_chunks(chunks, static_cast<size_t>(n) * k >= (1u << 16), [&](int c) {
        compute(std::min(n, c * per_chunk), std::min(n, (c + 1) * per_chunk));
    });
}

class Q8MatMul : public mx::UnaryPrimitive {
  public:
    Q8MatMul(mx::Stream stream, int n, int k) : mx::UnaryPrimitive(stream), n_(n), k_(k) {}

    void eval_cpu(const std::vector<mx::array> &inputs, mx::array &out) override {
        const auto &x = inputs[0];
        const auto &w = inputs[1];
        if (!x.flags().row_contiguous) throw std::invalid_argument("q8_matmul needs a row-contiguous input");
        out.set_data(mx::allocator::malloc(out.nbytes()));
        auto &encoder = mx::cpu::get_command_encoder(stream());
        encoder.set_input_array(x);
        encoder.set_input_array(w);
        encoder.set_output_array(out);
        int rows = static_cast<int>(x.size() / k_);
        encoder.dispatch([xp = x.data<float>(), wp = reinterpret_cast<const Block *>(w.data<uint8_t>()),
                          yp = out.data<float>(), rows, n = n_, k = k_]() { q8_matmul_kernel(xp, wp, yp, rows, n, k); });
    }

    void eval_gpu(const std::vector<mx::array> &, mx::array &) override {
        throw std::runtime_error("q8_matmul has no GPU kernel");
    }

    const char *name() const override { return "Q8MatMul"; }

    bool is_equivalent(const mx::Primitive &other) const override {
        auto *same = dynamic_cast<const Q8MatMul *>(&other);
        return same && same->n_ == n_ && same->k_ == k_;
    }

  private:
    int n_, k_;
};

thread_local std::string kernel_error;

template <typename Body> int guarded(const char *name, Body &&body) {
    try {
        body();
        return 0;
    } catch (const std::exception &error) {
        vx_set_error((std::string(name) + ": " + error.what()).c_str());
    } catch (...) {
        vx_set_error((std::string(name) + ": unknown C++ exception").c_str());
    }
    return 1;
}

} // namespace

extern "C" {

int vx_q8_quantize(vx_array weight, vx_array *out) {
    return guarded("q8_quantize", [&] {
        if (weight == nullptr || out == nullptr) throw std::invalid_argument("null array");
        auto w = mx::astype(weight->value, mx::float32);
        if (w.ndim() != 2) throw std::invalid_argument("weight must be (N, K)");
        int n = w.shape(0), k = w.shape(1);
        if (k % block_size != 0) throw std::invalid_argument("K = " + std::to_string(k) + " is not a multiple of 32");
        w = mx::flatten(w);
        w.eval();
        if (!w.flags().row_contiguous) {
            w = mx::copy(w);
            w.eval();
        }
        const float *values = w.data<float>();
        size_t blocks = size_t(n) * (k / block_size);
        std::vector<uint8_t> bytes(blocks * block_bytes);
        auto *destination = reinterpret_cast<Block *>(bytes.data());
        for (size_t b = 0; b < blocks; ++b) quantize_block(values + b * block_size, destination[b]);
        *out = new vx_array_opaque{mx::array(bytes.begin(), mx::Shape{static_cast<int>(bytes.size())}, mx::uint8)};
    });
}

int vx_q8_matmul(vx_array x, vx_array weight, int n, int k, vx_array *out) {
    return guarded("q8_matmul", [&] {
        if (x == nullptr || weight == nullptr || out == nullptr) throw std::invalid_argument("null array");
        const auto &input = x->value;
        if (input.ndim() < 1 || input.shape(-1) != k) throw std::invalid_argument("input's last axis is not K");
        if (input.dtype() != mx::float32) throw std::invalid_argument("input must be float32");
        if (weight->value.size() != size_t(n) * (k / block_size) * block_bytes)
            throw std::invalid_argument("weight blocks do not match N × K");
        auto shape = input.shape();
        shape.back() = n;
        auto stream = mx::default_stream(mx::Device::cpu);
        *out = new vx_array_opaque{mx::array(shape, mx::float32, std::make_shared<Q8MatMul>(stream, n, k),
                                             {input, weight->value})};
    });
}

int vx_q8_selftest(int k, float *max_difference) {
    return guarded("q8_selftest", [&] {
        if (k % block_size != 0 || k <= 0) throw std::invalid_argument("k must be a positive multiple of 32");
        int blocks = k / block_size;
        std::vector<Block> a(blocks), b(blocks);
        for (int i = 0; i < blocks; ++i) {
            a[i].scale = 0.01f * (i + 1);
            b[i].scale = 0.02f / (i + 1);
            for (int j = 0; j < block_size; ++j) {
                a[i].q[j] = int8_t((i * 37 + j * 11) % 255 - 127);
                b[i].q[j] = int8_t((i * 53 + j * 7) % 255 - 127);
            }
        }
        // The AVX2 quantiser must give the reference's blocks exactly, halves included.
        std::vector<float> values(block_size);
        for (int round = 0; round < 64; ++round) {
            for (int j = 0; j < block_size; ++j) values[j] = std::sin(float(round * 37 + j * 11)) * (round % 7 + 0.5f);
            if (round % 2) values[round % block_size] = 6.5f, values[(round + 1) % block_size] = 2.5f / 127 * 6.5f;  // an exact half
            Block slow, fast;
            quantize_block_reference(values.data(), slow);
            quantize_block(values.data(), fast);
            if (std::memcmp(&slow, &fast, sizeof(Block)) != 0) throw std::runtime_error("AVX2 quantiser differs from the reference");
        }
        float reference = dot_reference(a.data(), b.data(), blocks);
        float fast = has_avx2() ? dot_avx2(a.data(), b.data(), blocks) : reference;
        *max_difference = std::fabs(reference - fast) / std::max(1.0f, std::fabs(reference));
    });
}

} // extern "C"
