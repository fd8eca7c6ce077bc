// Feature scaling fitted on training data and stored in the model, so encode and
// reconstruct take and return data in its own units.
//
//   Scaler s = Scaler::fit("zscore", train);   // (x - mean) / sd per column
//   at::Tensor back = s.inverse_transform(s.transform(test));
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace hourglass {

/// Per column of rows x values (float64; missing cells, NaN, left out): how many
/// values, their mean, sample standard deviation, minimum and maximum. NaN for a column
/// with no value (and sd for one with a single value).
struct ColumnSummary {
  at::Tensor count, mean, sd, min, max;
};
/// One chunked pass over `data` (a memory-mapped file's pages given back as it goes).
ColumnSummary summarize_columns(const at::Tensor& data);

class Scaler {
 public:
  /// The identity ("none").
  Scaler() = default;
  /// none, zscore ((x - mean) / sd) or minmax ((x - min) / (max - min)), from the
  /// values present (NaN cells are missing). A constant column gets a scale of 1. Throws InvalidArgument for an unknown
  /// kind.
  static Scaler fit(const std::string& kind, const at::Tensor& data);
  /// The same from a summary already made.
  static Scaler fit(const std::string& kind, const ColumnSummary& summary);
  /// Rebuilds a fitted scaler (from a model file): x -> (x - offset) / scale. Throws
  /// InvalidArgument for an unknown kind.
  static Scaler from_parts(const std::string& kind, at::Tensor offset, at::Tensor scale);

  at::Tensor transform(const at::Tensor& data) const;
  at::Tensor inverse_transform(const at::Tensor& scaled) const;

  const std::string& kind() const { return kind_; }
  bool is_identity() const { return kind_ == "none"; }
  const at::Tensor& offset() const { return offset_; }
  const at::Tensor& scale() const { return scale_; }

 private:
  std::string kind_ = "none";
  at::Tensor offset_, scale_;
};

/// none, zscore, minmax.
const std::vector<std::string>& scaler_names();

/// Throws InvalidArgument listing the valid names when `kind` is not a scaler.
void check_scaler(const std::string& kind);

}  // namespace hourglass
