// The C side of vx.h: each function wraps MLX's C++ API in a try/catch so that shape errors and
// other MLX exceptions come back to Swift as a status and a message instead of killing the
// process (through direct C++ interop an exception was seen to crash with SIGSEGV).
#include "shim_common.h"

#include <cstdlib>
#include <malloc.h>
#include <cstring>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "mlx/mlx.h"

namespace mx = mlx::core;

namespace {

thread_local std::string last_error;

vx_array wrap(mx::array value) { return new vx_array_opaque{std::move(value)}; }

const mx::array &unwrap(vx_array handle) {
    if (handle == nullptr) throw std::invalid_argument("null array handle");
    return handle->value;
}

mx::Shape make_shape(const int *shape, int ndim) {
    if (ndim < 0 || (ndim > 0 && shape == nullptr)) throw std::invalid_argument("invalid shape");
    return mx::Shape(shape, shape + ndim);
}

std::vector<int> make_axes(const int *axes, int naxes) {
    if (naxes < 0 || (naxes > 0 && axes == nullptr)) throw std::invalid_argument("invalid axes");
    return std::vector<int>(axes, axes + naxes);
}

mx::Dtype to_mlx(vx_dtype dtype) {
    switch (dtype) {
    case VX_FLOAT32: return mx::float32;
    case VX_INT32: return mx::int32;
    case VX_FLOAT16: return mx::float16;
    case VX_BFLOAT16: return mx::bfloat16;
    case VX_BOOL: return mx::bool_;
    case VX_UINT32: return mx::uint32;
    case VX_INT64: return mx::int64;
    case VX_UINT8: return mx::uint8;
    }
    throw std::invalid_argument("unknown dtype");
}

vx_dtype from_mlx(mx::Dtype dtype) {
    if (dtype == mx::float32) return VX_FLOAT32;
    if (dtype == mx::int32) return VX_INT32;
    if (dtype == mx::float16) return VX_FLOAT16;
    if (dtype == mx::bfloat16) return VX_BFLOAT16;
    if (dtype == mx::bool_) return VX_BOOL;
    if (dtype == mx::uint32) return VX_UINT32;
    if (dtype == mx::int64) return VX_INT64;
    if (dtype == mx::uint8) return VX_UINT8;
    return VX_FLOAT32;
}

using vx_shim::guarded;

// Runs `make` and stores its array in *out.
template <typename Make> int produce(const char *name, vx_array *out, Make &&make) {
    return guarded(name, [&] {
        if (out == nullptr) throw std::invalid_argument("null output");
        *out = wrap(make());
    });
}

} // namespace

extern "C" {

const char *vx_last_error(void) { return last_error.c_str(); }

void vx_set_error(const char *message) { last_error = message ? message : ""; }

const char *vx_version(void) {
    static const std::string version(mx::version());
    return version.c_str();
}

void vx_array_free(vx_array a) { delete a; }

void vx_keep_freed_memory(void) {
    // MLX's CPU allocator is plain malloc. Above glibc's mmap threshold every activation buffer
    // is a fresh mapping whose pages fault in again on each forward pass (5% of prompt time);
    // keeping freed blocks in the heap lets the next pass reuse them.
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int vx_array_clone(vx_array a, vx_array *out) {
    return produce("clone", out, [&] { return unwrap(a); });
}

int vx_array_from_data(const void *data, vx_dtype dtype, const int *shape, int ndim, vx_array *out) {
    return produce("array_from_data", out, [&] {
        auto mlx_dtype = to_mlx(dtype);
        auto dims = make_shape(shape, ndim);
        size_t count = 1;
        for (auto d : dims) {
            if (d < 0) throw std::invalid_argument("negative dimension");
            count *= static_cast<size_t>(d);
        }
        size_t bytes = count * mlx_dtype.size();
        void *copy = std::malloc(bytes == 0 ? 1 : bytes);
        if (copy == nullptr) throw std::bad_alloc();
        if (bytes > 0) std::memcpy(copy, data, bytes);
        return mx::array(copy, dims, mlx_dtype, [](void *pointer) { std::free(pointer); });
    });
}

int vx_array_scalar_f32(float value, vx_array *out) {
    return produce("scalar", out, [&] { return mx::array(value); });
}

int vx_array_scalar_i32(int32_t value, vx_array *out) {
    return produce("scalar", out, [&] { return mx::array(value, mx::int32); });
}

int vx_array_ndim(vx_array a) { return a ? static_cast<int>(a->value.ndim()) : 0; }

void vx_array_shape(vx_array a, int *shape) {
    if (a == nullptr || shape == nullptr) return;
    for (size_t i = 0; i < a->value.ndim(); ++i) shape[i] = a->value.shape(static_cast<int>(i));
}

vx_dtype vx_array_dtype(vx_array a) { return a ? from_mlx(a->value.dtype()) : VX_FLOAT32; }

size_t vx_array_size(vx_array a) { return a ? a->value.size() : 0; }

int vx_eval(const vx_array *arrays, int count) {
    return guarded("eval", [&] {
        std::vector<mx::array> list;
        list.reserve(count);
        for (int i = 0; i < count; ++i) list.push_back(unwrap(arrays[i]));
        mx::eval(list);
    });
}

int vx_array_copy_to(vx_array a, void *out, size_t bytes) {
    return guarded("copy_to", [&] {
        auto flat = mx::flatten(unwrap(a));
        flat.eval();
        if (!flat.flags().row_contiguous) {
            flat = mx::copy(flat);
            flat.eval();
        }
        if (flat.nbytes() != bytes) {
            throw std::invalid_argument("buffer holds " + std::to_string(bytes) + " bytes, array needs " +
                                        std::to_string(flat.nbytes()));
        }
        if (bytes > 0) std::memcpy(out, flat.data<uint8_t>(), bytes);
    });
}

int vx_unary(vx_unary_op op, vx_array a, vx_array *out) {
    return produce("unary", out, [&] {
        const auto &x = unwrap(a);
        switch (op) {
        case VX_NEGATE: return mx::negative(x);
        case VX_EXP: return mx::exp(x);
        case VX_LOG: return mx::log(x);
        case VX_SQRT: return mx::sqrt(x);
        case VX_RSQRT: return mx::rsqrt(x);
        case VX_TANH: return mx::tanh(x);
        case VX_SIGMOID: return mx::sigmoid(x);
        case VX_SQUARE: return mx::square(x);
        case VX_ABS: return mx::abs(x);
        case VX_SIN: return mx::sin(x);
        case VX_COS: return mx::cos(x);
        case VX_ERF: return mx::erf(x);
        case VX_LOG1P: return mx::log1p(x);
        case VX_FLOOR: return mx::floor(x);
        }
        throw std::invalid_argument("unknown unary op");
    });
}

int vx_binary(vx_binary_op op, vx_array a, vx_array b, vx_array *out) {
    return produce("binary", out, [&] {
        const auto &x = unwrap(a);
        const auto &y = unwrap(b);
        switch (op) {
        case VX_ADD: return mx::add(x, y);
        case VX_SUBTRACT: return mx::subtract(x, y);
        case VX_MULTIPLY: return mx::multiply(x, y);
        case VX_DIVIDE: return mx::divide(x, y);
        case VX_MAXIMUM: return mx::maximum(x, y);
        case VX_MINIMUM: return mx::minimum(x, y);
        case VX_POWER: return mx::power(x, y);
        case VX_EQUAL: return mx::equal(x, y);
        case VX_LESS: return mx::less(x, y);
        case VX_GREATER: return mx::greater(x, y);
        case VX_LESS_EQUAL: return mx::less_equal(x, y);
        case VX_GREATER_EQUAL: return mx::greater_equal(x, y);
        }
        throw std::invalid_argument("unknown binary op");
    });
}

int vx_matmul(vx_array a, vx_array b, vx_array *out) {
    return produce("matmul", out, [&] { return mx::matmul(unwrap(a), unwrap(b)); });
}

int vx_reshape(vx_array a, const int *shape, int ndim, vx_array *out) {
    return produce("reshape", out, [&] { return mx::reshape(unwrap(a), make_shape(shape, ndim)); });
}

int vx_transpose(vx_array a, const int *axes, int naxes, vx_array *out) {
    return produce("transpose", out, [&] { return mx::transpose(unwrap(a), make_axes(axes, naxes)); });
}

int vx_broadcast_to(vx_array a, const int *shape, int ndim, vx_array *out) {
    return produce("broadcast_to", out, [&] { return mx::broadcast_to(unwrap(a), make_shape(shape, ndim)); });
}

int vx_reduce(vx_reduce_op op, vx_array a, const int *axes, int naxes, int keepdims, vx_array *out) {
    return produce("reduce", out, [&] {
        const auto &x = unwrap(a);
        auto list = make_axes(axes, naxes);
        bool keep = keepdims != 0;
        switch (op) {
        case VX_SUM: return mx::sum(x, list, keep);
        case VX_MEAN: return mx::mean(x, list, keep);
        case VX_MAX: return mx::max(x, list, keep);
        case VX_MIN: return mx::min(x, list, keep);
        case VX_LOGSUMEXP: return mx::logsumexp(x, list, keep);
        case VX_ARGMAX:
            if (list.size() != 1) throw std::invalid_argument("argmax takes one axis");
            return mx::argmax(x, list[0], keep);
        case VX_ARGMIN:
            if (list.size() != 1) throw std::invalid_argument("argmin takes one axis");
            return mx::argmin(x, list[0], keep);
        }
        throw std::invalid_argument("unknown reduction");
    });
}

int vx_softmax(vx_array a, const int *axes, int naxes, vx_array *out) {
    return produce("softmax", out, [&] { return mx::softmax(unwrap(a), make_axes(axes, naxes), true); });
}

int vx_astype(vx_array a, vx_dtype dtype, vx_array *out) {
    return produce("astype", out, [&] { return mx::astype(unwrap(a), to_mlx(dtype)); });
}

int vx_slice(vx_array a, const int *start, const int *stop, const int *strides, int ndim, vx_array *out) {
    return produce("slice", out, [&] {
        return mx::slice(unwrap(a), make_shape(start, ndim), make_shape(stop, ndim), make_shape(strides, ndim));
    });
}

int vx_slice_update(vx_array a, vx_array update, const int *start, int ndim, vx_array *out) {
    return produce("slice_update", out, [&] {
        const auto &source = unwrap(a);
        const auto &patch = unwrap(update);
        if (ndim != source.ndim() || patch.ndim() != ndim) throw std::invalid_argument("slice_update: rank mismatch");
        auto begin = make_shape(start, ndim);
        mx::Shape end(begin);
        for (int i = 0; i < ndim; ++i) end[i] += patch.shape(i);
        return mx::slice_update(source, patch, begin, end);
    });
}

int vx_concatenate(const vx_array *arrays, int count, int axis, vx_array *out) {
    return produce("concatenate", out, [&] {
        std::vector<mx::array> list;
        for (int i = 0; i < count; ++i) list.push_back(unwrap(arrays[i]));
        return mx::concatenate(list, axis);
    });
}

int vx_take(vx_array a, vx_array indices, int axis, vx_array *out) {
    return produce("take", out, [&] { return mx::take(unwrap(a), unwrap(indices), axis); });
}

int vx_take_along_axis(vx_array a, vx_array indices, int axis, vx_array *out) {
    return produce("take_along_axis", out, [&] { return mx::take_along_axis(unwrap(a), unwrap(indices), axis); });
}

int vx_where(vx_array condition, vx_array a, vx_array b, vx_array *out) {
    return produce("where", out, [&] { return mx::where(unwrap(condition), unwrap(a), unwrap(b)); });
}

int vx_stop_gradient(vx_array a, vx_array *out) {
    return produce("stop_gradient", out, [&] { return mx::stop_gradient(unwrap(a)); });
}

int vx_arange(double start, double stop, double step, vx_dtype dtype, vx_array *out) {
    return produce("arange", out, [&] { return mx::arange(start, stop, step, to_mlx(dtype)); });
}

int vx_full(const int *shape, int ndim, float value, vx_dtype dtype, vx_array *out) {
    return produce("full", out, [&] {
        return mx::full(make_shape(shape, ndim), mx::array(value), to_mlx(dtype));
    });
}

int vx_random_normal(const int *shape, int ndim, uint64_t seed, vx_array *out) {
    return produce("random_normal", out, [&] {
        return mx::random::normal(make_shape(shape, ndim), mx::float32, 0.0f, 1.0f, mx::random::key(seed));
    });
}

int vx_rms_norm(vx_array x, vx_array weight, float eps, vx_array *out) {
    return produce("rms_norm", out, [&] {
        std::optional<mx::array> w;
        if (weight != nullptr) w = unwrap(weight);
        return mx::fast::rms_norm(unwrap(x), w, eps);
    });
}

int vx_rope(vx_array x, int dims, int traditional, float base, float scale, int offset, vx_array *out) {
    return produce("rope", out, [&] {
        return mx::fast::rope(unwrap(x), dims, traditional != 0, base, scale, offset);
    });
}

int vx_sdpa(vx_array q, vx_array k, vx_array v, float scale, const char *mask_mode, vx_array mask,
            vx_array *out) {
    return produce("scaled_dot_product_attention", out, [&] {
        std::optional<mx::array> mask_array;
        if (mask != nullptr) mask_array = unwrap(mask);
        std::string mode = mask_mode ? mask_mode : "";
        if (mask_array) mode = "array";
        return mx::fast::scaled_dot_product_attention(unwrap(q), unwrap(k), unwrap(v), scale, mode, mask_array);
    });
}

int vx_value_and_grad(vx_function function, void *context, const vx_array *inputs, int ninputs,
                      const int *argnums, int nargnums, vx_array *values, int value_capacity,
                      int *nvalues, vx_array *grads) {
    return guarded("value_and_grad", [&] {
        if (function == nullptr) throw std::invalid_argument("null function");
        std::vector<mx::array> primals;
        for (int i = 0; i < ninputs; ++i) primals.push_back(unwrap(inputs[i]));
        // The Swift callback is called with borrowed handles of the tracer arrays and returns
        // owned handles, which are unwrapped and freed here.
        auto traced = [&](const std::vector<mx::array> &arguments) {
            std::vector<vx_array_opaque> borrowed;
            borrowed.reserve(arguments.size());
            for (const auto &argument : arguments) borrowed.push_back(vx_array_opaque{argument});
            std::vector<vx_array> handles;
            for (auto &entry : borrowed) handles.push_back(&entry);
            std::vector<vx_array> produced(static_cast<size_t>(value_capacity), nullptr);
            int count = 0;
            int status = function(context, handles.data(), static_cast<int>(handles.size()), produced.data(),
                                  value_capacity, &count);
            std::vector<mx::array> results;
            for (int i = 0; i < count && i < value_capacity; ++i) {
                if (produced[i] != nullptr) {
                    results.push_back(produced[i]->value);
                    delete produced[i];
                }
            }
            if (status != 0) throw std::runtime_error("the differentiated function failed: " + last_error);
            if (results.empty()) throw std::runtime_error("the differentiated function returned nothing");
            return results;
        };
        auto [outputs, gradients] = mx::value_and_grad(traced, make_axes(argnums, nargnums))(primals);
        *nvalues = static_cast<int>(std::min<size_t>(outputs.size(), static_cast<size_t>(value_capacity)));
        for (int i = 0; i < *nvalues; ++i) values[i] = wrap(outputs[i]);
        for (size_t i = 0; i < gradients.size() && i < static_cast<size_t>(nargnums); ++i) grads[i] = wrap(gradients[i]);
    });
}

int vx_cpu_info(char *buffer, size_t capacity) {
    return guarded("cpu_info", [&] {
        std::string info = std::string("mlx ") + mx::version() + ", hardware threads " +
                           std::to_string(std::thread::hardware_concurrency());
        std::snprintf(buffer, capacity, "%s", info.c_str());
    });
}

} // extern "C"
