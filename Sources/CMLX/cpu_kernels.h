// Shared pieces of our own CPU kernels (MLX custom primitives): one helper thread that takes
// half of a kernel's work, and exp for 8 floats at a time. MLX's CPU build in the wheel computes
// exp one float at a time through libm's fma, which made softmax and the MLP activations a third
// of prompt-processing time.
#pragma once

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include <immintrin.h>

namespace vx_kernels {

inline bool has_avx2() {
    static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return available;
}

// One helper thread that takes half of each kernel's work. It spins briefly between calls
// (decoding calls kernels hundreds of times per token) and sleeps when idle.
class HelperThread {
  public:
    HelperThread() : worker_([this] { loop(); }) {}
    ~HelperThread() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
            generation_.fetch_add(1);
        }
        wake_.notify_one();
        worker_.join();
    }

    // Runs first() here and second() on the helper, returning when both are done.
    void run_pair(const std::function<void()> &first, const std::function<void()> &second) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            task_ = &second;
            done_.store(false, std::memory_order_relaxed);
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_one();
        first();
        while (!done_.load(std::memory_order_acquire)) _mm_pause();
    }

  private:
    void loop() {
        uint64_t seen = 0;
        while (true) {
            for (int i = 0; i < 20000 && generation_.load(std::memory_order_acquire) == seen; ++i) _mm_pause();
            if (generation_.load(std::memory_order_acquire) == seen) {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_.load() != seen; });
            }
            seen = generation_.load(std::memory_order_acquire);
            const std::function<void()> *task;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (stopping_) return;
                task = task_;
            }
            if (task) (*task)();
            done_.store(true, std::memory_order_release);
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<uint64_t> generation_{0};
    std::atomic<bool> done_{true};
    const std::function<void()> *task_ = nullptr;
    bool stopping_ = false;
    std::thread worker_;
};

inline HelperThread &helper() {
    static HelperThread thread;
    return thread;
}

// Runs part(0) and part(1) on two threads when the work is large enough and there are two
// cores, else part(0) then part(1) here.
inline void run_in_two(bool worth_it, const std::function<void(int)> &part) {
    if (!worth_it || std::thread::hardware_concurrency() < 2) {
        part(0);
        part(1);
        return;
    }
    std::function<void()> first = [&] { part(0); };
    std::function<void()> second = [&] { part(1); };
    helper().run_pair(first, second);
}

// e^x for 8 floats: x = n·ln2 + r with |r| <= ln2/2, e^r by a degree-6 polynomial (relative
// error about 2e-7), 2^n built in the exponent bits. Inputs are clamped to [-87.3, 88.7], the
// range of normal float results.
__attribute__((target("avx2,fma"))) inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.7f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606765330187e-06f), r);
    __m256 p = _mm256_set1_ps(1.0f / 720);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

__attribute__((target("avx2,fma"))) inline float horizontal_sum(__m256 v) {
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
    return _mm_cvtss_f32(sum);
}

__attribute__((target("avx2,fma"))) inline float horizontal_max(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

} // namespace vx_kernels
