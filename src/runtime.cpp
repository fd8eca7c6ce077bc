#include "hourglass/runtime.hpp"

#include <cpuid.h>
#include <dlfcn.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>
#include <utility>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

std::once_flag runtime_once;
bool threads_chosen_by_user = false;

WarningHandler& warning_handler() {
  static WarningHandler handler = [](const std::string& message) {
    std::cerr << "hourglass: warning: " << message << '\n';
  };
  return handler;
}

int default_threads() {
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

}  // namespace

const char* version() { return HOURGLASS_VERSION; }

void set_threads(int n) {
  if (n < 1) {
    throw InvalidArgument("threads must be at least 1, got " + std::to_string(n));
  }
  threads_chosen_by_user = true;
  torch::set_num_threads(n);
}

WarningHandler set_warning_handler(WarningHandler handler) {
  return std::exchange(warning_handler(), std::move(handler));
}

void warn(const std::string& message) {
  if (warning_handler()) warning_handler()(message);
}

int threads() { return torch::get_num_threads(); }

std::string blas_name() {
  using ConfigFn = char* (*)();
  if (auto config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    return std::string("OpenBLAS ") + config();
  }
  void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info info{};
  if (sgemm && dladdr(sgemm, &info) && info.dli_fname) {
    std::string path = info.dli_fname;
    if (path.find("/blas/") != std::string::npos) return "reference BLAS (" + path + ")";
    return path;
  }
  return "unknown";
}

bool bf16_supported() {
#if defined(__x86_64__)
  // What LibTorch needs to send bf16 products to oneDNN (mkldnn_bf16_device_check),
  // plus an instruction that computes in bf16: AVX-512 BF16 or AMX. Without one of
  // those oneDNN emulates bf16, several times slower than fp32.
  if (!__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512vl") ||
      !__builtin_cpu_supports("avx512dq")) {
    return false;
  }
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  const bool avx512_bf16 = __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax & (1u << 5));
  const bool amx_bf16 = __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (edx & (1u << 22));
  return avx512_bf16 || amx_bf16;
#else
  return false;
#endif
}

// glibc serves a block above its mmap threshold (128 KiB, rising with use only as far as
// 32 MiB) with a fresh mapping and unmaps it when freed, so each batch's activations
// and each chunk of a pass came back as new pages. Blocks up to 64 MiB now come from the
// heap and are reused; larger ones (a data set, a whole-data result) are still mapped
// and given back when freed, and the heap's top is given back past 128 MiB free. With
// 256 MiB, `hourglass pca` on MNIST kept 1.43 GB at its peak instead of 1.07 GB.
void keep_freed_memory() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if ((tunables && std::strstr(tunables, "malloc")) || std::getenv("MALLOC_MMAP_THRESHOLD_") ||
      std::getenv("MALLOC_TRIM_THRESHOLD_")) {
    return;
  }
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

void init_runtime() {
  std::call_once(runtime_once, [] {
    if (!threads_chosen_by_user) torch::set_num_threads(default_threads());
    // Denormals appear as weights decay towards zero and make later epochs slower.
    at::globalContext().setFlushDenormal(true);
    if (blas_name().rfind("reference BLAS", 0) == 0) {
      warn(
          "BLAS is the slow reference implementation; install libopenblas0-openmp "
          "(scripts/install-deps.sh) for ~10x faster training");
    }
  });
}

uint64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes >> unit) {
    if (key == "MemAvailable:") return kilobytes * 1024;
  }
  const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : UINT64_MAX / 4;
}

}  // namespace hourglass
