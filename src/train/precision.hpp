// Mixed precision for training: with bf16, the matrix products and convolutions of the
// forward pass (and so of its backward pass) run in bfloat16 through LibTorch's CPU
// autocast (oneDNN), while the weights, the losses and the optimizer state stay fp32.
//
//   const bool bf16 = use_bf16(options.precision());   // warns and says false without CPU support
//   { MixedPrecision scope(bf16); terms = objective(batch); }   // forward under autocast
//   terms.total.backward();                                      // autograd follows the casts
#pragma once

#include <string>
#include <vector>

namespace hourglass {

/// fp32, bf16.
const std::vector<std::string>& precision_names();
/// Throws InvalidArgument listing the valid names.
void check_precision(const std::string& precision);

/// True for "bf16" on a CPU that runs it (bf16_supported()); false for "fp32", and for
/// "bf16" elsewhere, with a warning that training falls back to fp32. Throws
/// InvalidArgument for another name.
bool use_bf16(const std::string& precision);

/// Turns CPU autocast to bfloat16 on for its lifetime when `enabled`; restores the
/// previous state and drops autocast's casted-weight cache when it ends, so that the
/// next forward pass sees the weights the optimizer has just updated.
class MixedPrecision {
 public:
  explicit MixedPrecision(bool enabled);
  ~MixedPrecision();
  MixedPrecision(const MixedPrecision&) = delete;
  MixedPrecision& operator=(const MixedPrecision&) = delete;

 private:
  bool enabled_;
  bool was_enabled_ = false;
  int dtype_ = 0;  // the previous autocast dtype (an at::ScalarType)
};

}  // namespace hourglass
