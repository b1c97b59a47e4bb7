// Our own CPU kernel for decoding: y = x · Wᵀ with W stored as 8-bit blocks, as an MLX custom
// primitive. Decoding one token is a matrix-vector product whose cost is reading the weights;
// float32 weights move 4 bytes per weight, these blocks 1.125. MLX's own CPU quantized matmul
// is slow (about 2 GFLOP/s), hence this.
//
// Legend: R rows of x (B·T), K input features, N output features; K is a multiple of 32.
// Block layout (36 bytes per 32 weights): float scale d, then int8 q[32]; weight = d · q.
// Rows of W are stored one after another: N rows × K/32 blocks.
#include "shim_common.h"
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

// 4-bit blocks (24 bytes per 32 weights): weight = d · q + m, q in 0..15; byte j holds q[j] in
// its low nibble and q[j + 16] in its high one. Decoding reads every weight once per token, so
// it is bound by memory: these move 0.75 bytes per weight against 1.125 for the 8-bit blocks.
// Used for weights stored in 4 bits (Q4_0, Q4_1, Q4_K), whose values already lie on such a grid.
struct Block4 {
    float d;
    float m;
    uint8_t qs[block_size / 2];
};
static_assert(sizeof(Block4) == 24, "4-bit block layout");
constexpr int block4_bytes = sizeof(Block4);

void quantize_block4(const float *values, Block4 &block) {
    float low = values[0], high = values[0];
    for (int i = 1; i < block_size; ++i) {
        low = std::min(low, values[i]);
        high = std::max(high, values[i]);
    }
    block.d = (high - low) / 15.0f;
    block.m = low;
    float inverse = block.d > 0 ? 1.0f / block.d : 0.0f;
    uint8_t q[block_size];
    for (int i = 0; i < block_size; ++i)
        q[i] = static_cast<uint8_t>(std::min(15.0f, std::max(0.0f, std::nearbyint((values[i] - low) * inverse))));
    for (int j = 0; j < block_size / 2; ++j) block.qs[j] = uint8_t(q[j] | (q[j + 16] << 4));
}

// One quantised x row against one 4-bit weight row; `sums` holds each x block's Σ q.
float dot4_reference(const Block *x, const int32_t *sums, const Block4 *w, int blocks) {
    float total = 0;
    for (int b = 0; b < blocks; ++b) {
        int32_t sum = 0;
        for (int j = 0; j < block_size / 2; ++j)
            sum += int32_t(w[b].qs[j] & 15) * x[b].q[j] + int32_t(w[b].qs[j] >> 4) * x[b].q[j + 16];
        total += x[b].scale * (w[b].d * float(sum) + w[b].m * float(sums[b]));
    }
    return total;
}

// The same with AVX2: q (0..15) as unsigned bytes times x, summed by maddubs (at most 2·15·127)
// and madd; the m · Σx part per block in a second accumulator.
__attribute__((target("avx2,fma"))) float dot4_avx2(const Block *x, const int32_t *sums, const Block4 *w, int blocks) {
    __m256 acc = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    const __m128i nibble = _mm_set1_epi8(15);
    float offsets = 0;
    for (int b = 0; b < blocks; ++b) {
        __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i *>(w[b].qs));
        __m256i q = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(packed, 4), nibble), _mm_and_si128(packed, nibble));
        __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x[b].q));
        __m256i quads = _mm256_madd_epi16(_mm256_maddubs_epi16(q, qx), ones);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].scale * w[b].d), _mm256_cvtepi32_ps(quads), acc);
        offsets += x[b].scale * w[b].m * float(sums[b]);
    }
    return vx_kernels::horizontal_sum(acc) + offsets;
}

using vx_kernels::has_avx2;

// x: (R, K) float32, w: N × K/32 blocks of `bits` (8: Block, 4: Block4) -> y: (R, N) float32.
void quantized_matmul_kernel(const float *x, const uint8_t *w, int bits, float *y, int rows, int n, int k) {
    const int blocks = k / block_size;
    std::vector<Block> qx(static_cast<size_t>(rows) * blocks);
    std::vector<int32_t> sums(qx.size());
    for (int r = 0; r < rows; ++r)
        for (int b = 0; b < blocks; ++b) {
            Block &block = qx[size_t(r) * blocks + b];
            quantize_block(x + size_t(r) * k + size_t(b) * block_size, block);
            int32_t sum = 0;
            for (int i = 0; i < block_size; ++i) sum += block.q[i];
            sums[size_t(r) * blocks + b] = sum;
        }
    auto compute = [&](int begin, int end) {
        const bool fast = has_avx2();
        for (int r = 0; r < rows; ++r) {
            const Block *xr = qx.data() + size_t(r) * blocks;
            const int32_t *sr = sums.data() + size_t(r) * blocks;
            for (int o = begin; o < end; ++o) {
                float value;
                if (bits == 4) {
                    const Block4 *wr = reinterpret_cast<const Block4 *>(w) + size_t(o) * blocks;
                    value = fast ? dot4_avx2(xr, sr, wr, blocks) : dot4_reference(xr, sr, wr, blocks);
                } else {
                    const Block *wr = reinterpret_cast<const Block *>(w) + size_t(o) * blocks;
                    value = fast ? dot_avx2(xr, wr, blocks) : dot_reference(xr, wr, blocks);
                }
                y[size_t(r) * n + o] = value;
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
    Q8MatMul(mx::Stream stream, int n, int k, int bits) : mx::UnaryPrimitive(stream), n_(n), k_(k), bits_(bits) {}

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
        encoder.dispatch([xp = x.data<float>(), wp = w.data<uint8_t>(), yp = out.data<float>(), rows, n = n_, k = k_,
                          bits = bits_]() { quantized_matmul_kernel(xp, wp, bits, yp, rows, n, k); });
    }

    void eval_gpu(const std::vector<mx::array> &, mx::array &) override {
        throw std::runtime_error("q8_matmul has no GPU kernel");
    }

    const char *name() const override { return "Q8MatMul"; }

    bool is_equivalent(const mx::Primitive &other) const override {
        auto *same = dynamic_cast<const Q8MatMul *>(&other);
        return same && same->n_ == n_ && same->k_ == k_ && same->bits_ == bits_;
    }

  private:
    int n_, k_, bits_;
};

} // namespace

using vx_shim::guarded;

extern "C" {

int vx_quantize_blocks(vx_array weight, int bits, vx_array *out) {
    return guarded("quantize_blocks", [&] {
        if (weight == nullptr || out == nullptr) throw std::invalid_argument("null array");
        if (bits != 8 && bits != 4) throw std::invalid_argument("bits must be 8 or 4");
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
        std::vector<uint8_t> bytes(blocks * (bits == 4 ? block4_bytes : block_bytes));
        if (bits == 4) {
            auto *destination = reinterpret_cast<Block4 *>(bytes.data());
            for (size_t b = 0; b < blocks; ++b) quantize_block4(values + b * block_size, destination[b]);
        } else {
            auto *destination = reinterpret_cast<Block *>(bytes.data());
            for (size_t b = 0; b < blocks; ++b) quantize_block(values + b * block_size, destination[b]);
        }
        *out = new vx_array_opaque{mx::array(bytes.begin(), mx::Shape{static_cast<int>(bytes.size())}, mx::uint8)};
    });
}

int vx_quantized_matmul(vx_array x, vx_array weight, int n, int k, int bits, vx_array *out) {
    return guarded("quantized_matmul", [&] {
        if (x == nullptr || weight == nullptr || out == nullptr) throw std::invalid_argument("null array");
        if (bits != 8 && bits != 4) throw std::invalid_argument("bits must be 8 or 4");
        const auto &input = x->value;
        if (input.ndim() < 1 || input.shape(-1) != k) throw std::invalid_argument("input's last axis is not K");
        if (input.dtype() != mx::float32) throw std::invalid_argument("input must be float32");
        if (k % block_size != 0 || weight->value.size() != size_t(n) * (k / block_size) * (bits == 4 ? block4_bytes : block_bytes))
            throw std::invalid_argument("weight blocks do not match N × K");
        auto shape = input.shape();
        shape.back() = n;
        auto stream = mx::default_stream(mx::Device::cpu);
        *out = new vx_array_opaque{mx::array(shape, mx::float32, std::make_shared<Q8MatMul>(stream, n, k, bits),
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
        float difference = std::fabs(reference - fast) / std::max(1.0f, std::fabs(reference));
        // 4-bit blocks: AVX2 against the reference, and the blocks reproduce values that lie on
        // a 16-level grid exactly (what a dequantised Q4 weight is).
        std::vector<Block4> w4(blocks);
        std::vector<int32_t> sums(blocks);
        std::vector<float> grid(block_size);
        for (int i = 0; i < blocks; ++i) {
            float d = 0.013f * (i % 5 + 1), m = -0.1f * (i % 3);
            for (int j = 0; j < block_size; ++j) grid[j] = m + d * float((i * 7 + j * 5) % 16);
            grid[0] = m, grid[1] = m + 15 * d;  // the block spans its whole grid
            quantize_block4(grid.data(), w4[i]);
            for (int j = 0; j < block_size; ++j) {
                int q = j < 16 ? (w4[i].qs[j] & 15) : (w4[i].qs[j - 16] >> 4);
                float back = w4[i].d * float(q) + w4[i].m;
                difference = std::max(difference, std::fabs(back - grid[j]) / std::max(1e-3f, d));
            }
            int32_t sum = 0;
            for (int j = 0; j < block_size; ++j) sum += a[i].q[j];
            sums[i] = sum;
        }
        float reference4 = dot4_reference(a.data(), sums.data(), w4.data(), blocks);
        if (has_avx2()) {
            float fast4 = dot4_avx2(a.data(), sums.data(), w4.data(), blocks);
            difference = std::max(difference, std::fabs(reference4 - fast4) / std::max(1.0f, std::fabs(reference4)));
        }
        *max_difference = difference;
    });
}

} // extern "C"
