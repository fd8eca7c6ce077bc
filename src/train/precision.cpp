#include "train/precision.hpp"

#include <ATen/autocast_mode.h>

#include "hourglass/error.hpp"
#include "hourglass/registry.hpp"
#include "hourglass/runtime.hpp"

namespace hourglass {

namespace {

// Whether training computes in bfloat16.
const Registry<bool>& precisions() {
  static const Registry<bool> registry = [] {
    Registry<bool> r("precision");
    r.add("fp32", false);
    r.add("bf16", true);
    return r;
  }();
  return registry;
}

}  // namespace

const std::vector<std::string>& precision_names() {
  static const std::vector<std::string> names = precisions().names();
  return names;
}

void check_precision(const std::string& precision) { precisions().at(precision); }

bool use_bf16(const std::string& precision) {
  if (!precisions().at(precision)) return false;
  if (bf16_supported()) return true;
  warn("this CPU has no AVX-512 (BW, VL, DQ) for bfloat16 matrix products; training in fp32 instead of bf16");
  return false;
}

MixedPrecision::MixedPrecision(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  was_enabled_ = at::autocast::is_cpu_enabled();
  dtype_ = static_cast<int>(at::autocast::get_autocast_cpu_dtype());
  at::autocast::set_cpu_enabled(true);
  at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
  at::autocast::increment_nesting();
}

MixedPrecision::~MixedPrecision() {
  if (!enabled_) return;
  // The cache holds bf16 copies of the weights; they are stale after the next step.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_cpu_enabled(was_enabled_);
  at::autocast::set_autocast_cpu_dtype(static_cast<at::ScalarType>(dtype_));
}

}  // namespace hourglass
