// Shared pieces of our own CPU kernels (MLX custom primitives): one helper thread that takes
// half of a kernel's work, and exp for 8 floats at a time. MLX's CPU build in the wheel computes
// exp one float at a time through libm's fma, which made softmax and the MLP activations a third
// of prompt-processing time.
#pragma once

#include <atomic>
#include <chrono>
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

// A helper thread that shares a kernel's work with the calling thread, chunk by chunk. Both
// threads take chunks from one counter, so when the helper is slow to wake (another process
// holds the other core) the caller simply does every chunk itself instead of waiting: waiting
// on a thread that is not running was most of decoding time on a busy machine. Between calls
// the helper spins for a short while (decoding calls kernels hundreds of times per token), then
// sleeps.
class WorkSharing {
  public:
    WorkSharing() : worker_([this] { loop(); }) {}
    ~WorkSharing() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
            generation_.fetch_add(1);
        }
        wake_.notify_one();
        worker_.join();
    }

    // Calls body(c) once for every c in 0..<chunks, on this thread and the helper. A second
    // thread calling while the helper is taken runs its chunks by itself.
    void run(int chunks, const std::function<void(int)> &body) {
        std::unique_lock<std::mutex> caller(caller_, std::try_to_lock);
        if (!caller.owns_lock()) {
            for (int c = 0; c < chunks; ++c) body(c);
            return;
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            job_ = &body;
            chunks_ = chunks;
            next_.store(0, std::memory_order_relaxed);
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_one();
        for (int c; (c = next_.fetch_add(1, std::memory_order_acq_rel)) < chunks;) body(c);
        {
            // Retire the job: from here the helper cannot start on it; wait for a chunk it holds.
            std::lock_guard<std::mutex> lock(mutex_);
            job_ = nullptr;
        }
        for (int spins = 0; busy_.load(std::memory_order_acquire); ++spins) {
            if (spins < 2000) _mm_pause();
            else std::this_thread::yield();
        }
    }

  private:
    void loop() {
        uint64_t seen = 0;
        while (true) {
            auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
            while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < spin_until)
                for (int i = 0; i < 64; ++i) _mm_pause();
            const std::function<void(int)> *job;
            int chunks;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_.load() != seen; });
                seen = generation_.load();
                if (stopping_) return;
                job = job_;
                chunks = chunks_;
                if (job) busy_.store(true, std::memory_order_release);
            }
            if (!job) continue;
            for (int c; (c = next_.fetch_add(1, std::memory_order_acq_rel)) < chunks;) (*job)(c);
            busy_.store(false, std::memory_order_release);
        }
    }

    std::mutex caller_;  // held by the one thread whose job the helper shares
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> next_{0};
    std::atomic<bool> busy_{false};
    const std::function<void(int)> *job_ = nullptr;
    int chunks_ = 0;
    bool stopping_ = false;
    std::thread worker_;
};

inline WorkSharing &work_sharing() {
    static WorkSharing sharing;
    return sharing;
}

// Calls body(c) for c in 0..<chunks: shared with the helper thread when worth it and there are
// two cores, else in order here.
inline void parallel_chunks(int chunks, bool worth_it, const std::function<void(int)> &body) {
    if (!worth_it || chunks < 2 || std::thread::hardware_concurrency() < 2) {
        for (int c = 0; c < chunks; ++c) body(c);
        return;
    }
    work_sharing().run(chunks, body);
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
