#include "hourglass/data/scaler.hpp"

#include <algorithm>

#include "data/mapped_file.hpp"
#include "hourglass/error.hpp"
#include "hourglass/registry.hpp"

namespace hourglass {

namespace {

// Column statistics over row chunks, merged with Chan et al.'s update in double: exact
// enough for any row count, with no copy of the data and a memory-mapped file's pages
// given back after each chunk. Missing cells (NaN) are left out, column by column.
struct ColumnStatistics {
  at::Tensor count, mean, m2, min, max;

  void add(const at::Tensor& chunk) {
    const auto values = chunk.to(torch::kDouble);
    const auto present = values.isnan().logical_not();
    const auto n = present.sum(0).to(torch::kDouble);
    const auto zeros = torch::zeros_like(values);
    if (!count.defined()) {
      count = torch::zeros_like(n), mean = torch::zeros_like(n), m2 = torch::zeros_like(n);
      min = torch::full_like(n, INFINITY), max = torch::full_like(n, -INFINITY);
    }
    // A column with no value in this chunk adds nothing (its mean stands in for the chunk's).
    const auto chunk_mean = torch::where(n > 0, torch::where(present, values, zeros).sum(0) / n.clamp_min(1), mean);
    const auto chunk_m2 = torch::where(present, values - chunk_mean, zeros).square().sum(0);
    min = torch::minimum(min, torch::where(present, values, torch::full_like(values, INFINITY)).amin(0));
    max = torch::maximum(max, torch::where(present, values, torch::full_like(values, -INFINITY)).amax(0));
    const auto total = count + n;
    const auto delta = chunk_mean - mean;
    mean = mean + delta * (n / total.clamp_min(1));
    m2 = m2 + chunk_m2 + delta.square() * (count * n / total.clamp_min(1));
    count = total;
  }
};

ColumnSummary summary_of(const ColumnStatistics& s) {
  // One value has no spread: NaN here, then a scale of 1.
  const auto sd = (s.m2 / (s.count - 1)).sqrt();
  const auto missing = s.count == 0;
  const auto nan = torch::full_like(s.mean, NAN);
  return {s.count, torch::where(missing, nan, s.mean), sd, torch::where(missing, nan, s.min),
          torch::where(missing, nan, s.max)};
}

// A scaler's offset and scale from the column summary (none has no rule).
using ScalerRule = std::pair<at::Tensor, at::Tensor> (*)(const ColumnSummary&);

const Registry<ScalerRule>& scalers() {
  static const Registry<ScalerRule> registry = [] {
    Registry<ScalerRule> r("scaler");
    r.add("none", nullptr);
    r.add("zscore", [](const ColumnSummary& s) { return std::make_pair(s.mean, s.sd); });
    r.add("minmax", [](const ColumnSummary& s) { return std::make_pair(s.min, s.max - s.min); });
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

ColumnSummary summarize_columns(const at::Tensor& data) {
  // One pass of chunks for any size: small data is a single chunk. A chunk's statistics
  // hold about ten temporaries of its size in double, so a chunk of 2^20 values keeps
  // them near 80 MB (2^24 took 900 MB for a memory-mapped file of 940 MB).
  constexpr int64_t kChunkValues = int64_t{1} << 20;
  ColumnStatistics statistics;
  const auto rows = data.reshape({data.size(0), -1});
  const int64_t chunk = std::max<int64_t>(1, kChunkValues / std::max<int64_t>(1, rows.size(1)));
  for (int64_t first = 0; first < rows.size(0); first += chunk) {
    check_mapped_file(data);
    statistics.add(rows.narrow(0, first, std::min(chunk, rows.size(0) - first)));
    release_mapped_pages(data);
  }
  return summary_of(statistics);
}

Scaler Scaler::fit(const std::string& kind, const at::Tensor& data) {
  if (!scalers().at(kind)) return Scaler();
  return fit(kind, summarize_columns(data));
}

Scaler Scaler::fit(const std::string& kind, const ColumnSummary& summary) {
  const ScalerRule rule = scalers().at(kind);
  if (!rule) return Scaler();
  auto [offset, scale] = rule(summary);
  // A constant column, or one with a single value, keeps its units.
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
