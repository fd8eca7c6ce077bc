#include "hourglass/data/scaler.hpp"

#include <algorithm>

#include "data/mapped_file.hpp"
#include "hourglass/error.hpp"
#include "hourglass/registry.hpp"

namespace hourglass {

namespace {

// Column statistics over row chunks, merged with Chan et al.'s update in double: exact
// enough for any row count, with no copy of the data and a memory-mapped file's pages
// given back after each chunk.
struct ColumnStatistics {
  at::Tensor mean, m2, min, max;
  int64_t rows = 0;

  void add(const at::Tensor& chunk) {
    const auto values = chunk.to(torch::kDouble);
    const int64_t n = values.size(0);
    const auto chunk_mean = values.mean(0);
    const auto chunk_m2 = (values - chunk_mean).square().sum(0);
    const auto chunk_min = std::get<0>(chunk.min(0)), chunk_max = std::get<0>(chunk.max(0));
    if (rows == 0) {
      mean = chunk_mean, m2 = chunk_m2, min = chunk_min, max = chunk_max;
    } else {
      const double total = static_cast<double>(rows + n);
      const auto delta = chunk_mean - mean;
      mean = mean + delta * (static_cast<double>(n) / total);
      m2 = m2 + chunk_m2 + delta.square() * (static_cast<double>(rows) * static_cast<double>(n) / total);
      min = torch::minimum(min, chunk_min), max = torch::maximum(max, chunk_max);
    }
    rows += n;
  }
};

// A scaler's offset and scale from the column statistics (none has no rule).
using ScalerRule = std::pair<at::Tensor, at::Tensor> (*)(const ColumnStatistics&);

const Registry<ScalerRule>& scalers() {
  static const Registry<ScalerRule> registry = [] {
    Registry<ScalerRule> r("scaler");
    r.add("none", nullptr);
    // One row has no spread: NaN here, then a scale of 1.
    r.add("zscore", [](const ColumnStatistics& s) {
      return std::make_pair(s.mean, (s.m2 / static_cast<double>(s.rows - 1)).sqrt());
    });
    r.add("minmax", [](const ColumnStatistics& s) { return std::make_pair(s.min, s.max - s.min); });
    return r;
  }();
  return registry;
}

}  // namespace

const std::vector<std::string>& scaler_names() {
  static const std::vector<std::string> names = scalers().names();
  return names;
}

void check_scaler(const std::string& kind) { scalers().at(kind); }

Scaler Scaler::fit(const std::string& kind, const at::Tensor& data) {
  const ScalerRule rule = scalers().at(kind);
  if (!rule) return Scaler();
  // One pass of chunks for any size: small data is a single chunk.
  constexpr int64_t kChunkValues = int64_t{1} << 24;
  ColumnStatistics statistics;
  const int64_t chunk = std::max<int64_t>(1, kChunkValues / std::max<int64_t>(1, data[0].numel()));
  for (int64_t first = 0; first < data.size(0); first += chunk) {
    check_mapped_file(data);
    statistics.add(data.narrow(0, first, std::min(chunk, data.size(0) - first)));
    release_mapped_pages(data);
  }
  auto [offset, scale] = rule(statistics);
  scale = torch::where(scale > 0, scale, torch::ones_like(scale));
  return from_parts(kind, offset, scale);
}

Scaler Scaler::from_parts(const std::string& kind, at::Tensor offset, at::Tensor scale) {
  if (!scalers().at(kind)) return Scaler();
  Scaler s;
  s.kind_ = kind;
  s.offset_ = offset.to(torch::kFloat).contiguous();
  s.scale_ = scale.to(torch::kFloat).contiguous();
  return s;
}

at::Tensor Scaler::transform(const at::Tensor& data) const { return is_identity() ? data : (data - offset_) / scale_; }

at::Tensor Scaler::inverse_transform(const at::Tensor& scaled) const {
  return is_identity() ? scaled : scaled * scale_ + offset_;
}

}  // namespace hourglass
