#include "hourglass/data/scaler.hpp"

#include <algorithm>

#include "hourglass/error.hpp"

namespace hourglass {

const std::vector<std::string>& scaler_names() {
  static const std::vector<std::string> names = {"none", "zscore", "minmax"};
  return names;
}

void check_scaler(const std::string& kind) {
  const auto& names = scaler_names();
  if (std::find(names.begin(), names.end(), kind) == names.end()) throw unknown_name("scaler", kind, names);
}

Scaler Scaler::fit(const std::string& kind, const at::Tensor& data) {
  check_scaler(kind);
  if (kind == "none") return Scaler();
  at::Tensor offset, scale;
  if (kind == "zscore") {
    offset = data.mean(0);
    scale = data.size(0) > 1 ? data.std(0) : torch::ones_like(offset);
  } else {
    offset = std::get<0>(data.min(0));
    scale = std::get<0>(data.max(0)) - offset;
  }
  scale = torch::where(scale > 0, scale, torch::ones_like(scale));
  return from_parts(kind, offset, scale);
}

Scaler Scaler::from_parts(const std::string& kind, at::Tensor offset, at::Tensor scale) {
  check_scaler(kind);
  if (kind == "none") return Scaler();
  Scaler s;
  s.kind_ = kind;
  s.offset_ = offset.to(torch::kFloat).contiguous();
  s.scale_ = scale.to(torch::kFloat).contiguous();
  return s;
}

at::Tensor Scaler::transform(const at::Tensor& data) const {
  return is_identity() ? data : (data - offset_) / scale_;
}

at::Tensor Scaler::inverse_transform(const at::Tensor& scaled) const {
  return is_identity() ? scaled : scaled * scale_ + offset_;
}

}  // namespace hourglass
