// vx: Vernacular's C interface to MLX (Apple's array framework), built on the C++ API of the
// pinned mlx-cpu wheel. Every function returns 0 on success and 1 on failure; a failure's
// message is kept per thread and read with vx_last_error(). No C++ exception crosses this line.
//
// Arrays are opaque handles owned by the caller: every vx_array an out-parameter receives must
// be released with vx_array_free. Operations build a lazy graph; vx_eval computes it.
//
// Shape legend used in comments: B batch, T sequence, H heads, D head size, C channels, V vocab.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vx_array_opaque *vx_array;

typedef enum {
    VX_FLOAT32 = 0,
    VX_INT32 = 1,
    VX_FLOAT16 = 2,
    VX_BFLOAT16 = 3,
    VX_BOOL = 4,
    VX_UINT32 = 5,
    VX_INT64 = 6,
    VX_UINT8 = 7,
} vx_dtype;

typedef enum {
    VX_NEGATE, VX_EXP, VX_LOG, VX_SQRT, VX_RSQRT, VX_TANH, VX_SIGMOID, VX_SQUARE, VX_ABS,
    VX_SIN, VX_COS, VX_ERF, VX_LOG1P, VX_FLOOR,
} vx_unary_op;

typedef enum {
    VX_ADD, VX_SUBTRACT, VX_MULTIPLY, VX_DIVIDE, VX_MAXIMUM, VX_MINIMUM, VX_POWER,
    VX_EQUAL, VX_LESS, VX_GREATER, VX_LESS_EQUAL, VX_GREATER_EQUAL,
} vx_binary_op;

typedef enum { VX_SUM, VX_MEAN, VX_MAX, VX_MIN, VX_LOGSUMEXP, VX_ARGMAX, VX_ARGMIN } vx_reduce_op;

/// Message of the last failure on this thread ("" if none).
const char *vx_last_error(void);
/// MLX's version string.
const char *vx_version(void);

void vx_array_free(vx_array a);
/// Lets freed large buffers stay in the heap for reuse (call once, before heavy work).
void vx_keep_freed_memory(void);
/// A second handle to the same array (MLX arrays are reference counted; nothing is copied).
int vx_array_clone(vx_array a, vx_array *out);
/// Copies `data` (count = product of shape) into a new array.
int vx_array_from_data(const void *data, vx_dtype dtype, const int *shape, int ndim, vx_array *out);
int vx_array_scalar_f32(float value, vx_array *out);
int vx_array_scalar_i32(int32_t value, vx_array *out);
int vx_array_ndim(vx_array a);
/// Writes ndim values into `shape`.
void vx_array_shape(vx_array a, int *shape);
vx_dtype vx_array_dtype(vx_array a);
size_t vx_array_size(vx_array a);
/// Evaluates the arrays (and everything they depend on).
int vx_eval(const vx_array *arrays, int count);
/// Evaluates `a` and copies its elements, row-major, into `out` (`bytes` must equal size * itemsize).
int vx_array_copy_to(vx_array a, void *out, size_t bytes);

int vx_unary(vx_unary_op op, vx_array a, vx_array *out);
int vx_binary(vx_binary_op op, vx_array a, vx_array b, vx_array *out);
/// a: (..., M, K), b: (..., K, N) -> (..., M, N)
int vx_matmul(vx_array a, vx_array b, vx_array *out);
int vx_reshape(vx_array a, const int *shape, int ndim, vx_array *out);
int vx_transpose(vx_array a, const int *axes, int naxes, vx_array *out);
int vx_broadcast_to(vx_array a, const int *shape, int ndim, vx_array *out);
int vx_reduce(vx_reduce_op op, vx_array a, const int *axes, int naxes, int keepdims, vx_array *out);
int vx_softmax(vx_array a, const int *axes, int naxes, vx_array *out);
int vx_astype(vx_array a, vx_dtype dtype, vx_array *out);
/// Strided slice along every axis: start/stop/strides have ndim entries.
int vx_slice(vx_array a, const int *start, const int *stop, const int *strides, int ndim, vx_array *out);
/// `a` with `update` written at `start` (one value per axis); reuses a's buffer when nothing else holds it.
int vx_slice_update(vx_array a, vx_array update, const int *start, int ndim, vx_array *out);
int vx_concatenate(const vx_array *arrays, int count, int axis, vx_array *out);
/// Rows of `a` picked by `indices` along `axis` (embedding lookup with axis 0).
int vx_take(vx_array a, vx_array indices, int axis, vx_array *out);
int vx_take_along_axis(vx_array a, vx_array indices, int axis, vx_array *out);
int vx_where(vx_array condition, vx_array a, vx_array b, vx_array *out);
int vx_stop_gradient(vx_array a, vx_array *out);
int vx_arange(double start, double stop, double step, vx_dtype dtype, vx_array *out);
int vx_full(const int *shape, int ndim, float value, vx_dtype dtype, vx_array *out);
/// Standard normal samples from a seeded key, so initialisations repeat.
int vx_random_normal(const int *shape, int ndim, uint64_t seed, vx_array *out);

/// x: (..., C), weight: (C) or NULL.
int vx_rms_norm(vx_array x, vx_array weight, float eps, vx_array *out);
/// x: (B, H, T, D); rotates the first `dims` features; positions start at `offset`.
int vx_rope(vx_array x, int dims, int traditional, float base, float scale, int offset, vx_array *out);
/// q: (B, H, T, D), k and v: (B, Hkv, S, D); mask_mode "" or "causal"; mask may be NULL
/// (an additive or boolean mask broadcastable to (B, H, T, S)).
int vx_sdpa(vx_array q, vx_array k, vx_array v, float scale, const char *mask_mode, vx_array mask,
            vx_array *out);
/// logits: (..., V), targets: (...) int -> per-position loss logsumexp(logits) − logits[target]
/// (...), by our kernel (cross_entropy.cpp) or, with `reference`, by MLX operations.
int vx_cross_entropy(vx_array logits, vx_array targets, int reference, vx_array *out);

/// A function of arrays written by the caller: fills `outputs` (capacity `capacity`), sets
/// `*count`; returns 0, or 1 after storing a message with vx_set_error.
typedef int (*vx_function)(void *context, const vx_array *inputs, int ninputs, vx_array *outputs,
                           int capacity, int *count);
void vx_set_error(const char *message);
/// Calls `function` and differentiates its first output (a scalar) with respect to the inputs
/// listed in `argnums`. Writes the outputs (up to `value_capacity`, count in `*nvalues`) and one
/// gradient per argnum into `grads`.
int vx_value_and_grad(vx_function function, void *context, const vx_array *inputs, int ninputs,
                      const int *argnums, int nargnums, vx_array *values, int value_capacity,
                      int *nvalues, vx_array *grads);

/// Block quantisation of a (N, K) weight for decoding (K a multiple of 32): `bits` 8 gives
/// blocks of a float scale and 32 int8 values; 4 gives a float scale, a float minimum and 32
/// 4-bit values. Returns the blocks as a flat uint8 array.
int vx_quantize_blocks(vx_array weight, int bits, vx_array *out);
/// x: (..., K) float32 times the quantised (N, K) weight transposed -> (..., N), x quantised to
/// 8-bit blocks on the way. Our own CPU kernel (AVX2 when available), an MLX custom primitive;
/// forward only (no gradient).
int vx_quantized_matmul(vx_array x, vx_array weight, int n, int k, int bits, vx_array *out);
/// Checks the AVX2 dot product against the plain one; writes the relative difference.
int vx_q8_selftest(int k, float *max_difference);

/// Attention with our own CPU kernel: softmax(q kᵀ · scale + mask) v, q (B, H, T, D), k and v
/// (B, Hkv, S, D), H a multiple of Hkv; query t sits at key position S − T + t. `causal` hides
/// later keys; `window` > 0 also hides keys `window` or more positions back (sliding-window
/// layers). Output (B, T, H·D): heads already merged. Gradients through MLX operations.
int vx_attention(vx_array q, vx_array k, vx_array v, float scale, int causal, int window, vx_array *out);
/// The same from MLX operations (mask, softmax, matmuls): the reference the kernel is tested against.
int vx_attention_reference(vx_array q, vx_array k, vx_array v, float scale, int causal, int window, vx_array *out);

enum { VX_GATE_SILU = 0, VX_GATE_GELU_TANH = 1 };
/// act(gate) · up elementwise, act silu or gelu_tanh; our CPU kernel unless `reference` is
/// non-zero (then MLX operations). Inputs of equal shape; gradients through MLX operations.
int vx_gated_activation(vx_array gate, vx_array up, int kind, int reference, vx_array *out);
/// The same with gate and up side by side on the last axis of `fused` (..., 2F) -> (..., F).
int vx_gated_activation_fused(vx_array fused, int kind, int reference, vx_array *out);

enum { VX_ROUND_Q8_0 = 0, VX_ROUND_Q8_K = 1 };
/// x (..., K) rounded as llama.cpp quantises activations before a quantised matmul: 8-bit blocks
/// of 32 (Q8_0/Q8_1) or 256 (Q8_K), then back to float. For comparisons with llama.cpp only.
int vx_round_activations(vx_array x, int kind, vx_array *out);

/// Threads MLX's CPU backend may use for its own kernels (BLAS threads are OpenBLAS's).
int vx_cpu_info(char *buffer, size_t capacity);

#ifdef __cplusplus
}
#endif
