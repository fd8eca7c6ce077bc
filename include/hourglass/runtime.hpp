// Process-wide settings of the tensor engine.
//
// Debian's LibTorch starts with one thread; Hourglass uses every core unless told
// otherwise (set_threads, or OMP_NUM_THREADS in the environment).
//
//   hourglass::set_threads(2);
//   hourglass::blas_name();   // "OpenBLAS ..." or "reference BLAS"
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace hourglass {

/// The library's version, "0.1.0" (the project's version in CMakeLists.txt).
const char* version();

/// Uses `threads` threads for tensor operations (>= 1).
void set_threads(int threads);

/// Threads in use after the runtime is initialised.
int threads();

/// Sets the defaults once per process: threads to the core count (or OMP_NUM_THREADS),
/// denormals flushed to zero, and a warning on stderr when BLAS is the slow reference
/// implementation. Every training and inference entry point calls it; calling it again
/// does nothing.
void init_runtime();

/// For programs (the `hourglass` command, the benchmark driver), not for hosts such as R
/// or Python: makes glibc keep freed memory for the next allocation instead of giving
/// each large block back to the system, so that a training loop's per-batch tensors
/// stop costing page faults (16% of benchmark 1's time before). Leaves the allocator as
/// it is where the user set it (GLIBC_TUNABLES with malloc, MALLOC_MMAP_THRESHOLD_,
/// MALLOC_TRIM_THRESHOLD_). Call it first thing in main().
void keep_freed_memory();

/// Where the library's warnings go: "hourglass: warning: <message>" on stderr by
/// default. A handler receives the bare message (the R package forwards it to R).
/// Returns the handler it replaces, so that it can be put back.
using WarningHandler = std::function<void(const std::string& message)>;
WarningHandler set_warning_handler(WarningHandler handler);

/// Reports a warning through the handler; training goes on.
void warn(const std::string& message);

/// True when this CPU computes bfloat16 matrix products natively (AVX-512 BF16 or
/// AMX), so that TrainOptions::precision("bf16") pays; training falls back to fp32
/// otherwise.
bool bf16_supported();

/// Which BLAS libblas.so.3 resolves to, for diagnostics.
std::string blas_name();

/// The memory the system can still give (MemAvailable in /proc/meminfo), in bytes.
uint64_t available_memory_bytes();

}  // namespace hourglass
