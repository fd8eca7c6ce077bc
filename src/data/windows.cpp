#include "hourglass/data/windows.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hourglass/error.hpp"

namespace hourglass {

Windowing::Windowing(int64_t length, int64_t stride) : length_(length), stride_(stride) {
  if (length < 1 || stride < 1) {
    throw InvalidArgument("windows: expected a length and a stride of at least 1 row, got length " +
                          std::to_string(length) + " and stride " + std::to_string(stride));
  }
  if (stride > length) {  // rows between windows would have no score or reconstruction
    throw InvalidArgument("windows of " + std::to_string(length) + " rows need a stride of at most the length, got " +
                          std::to_string(stride) + "; every row must be in a window");
  }
}

std::vector<int64_t> Windowing::starts(int64_t rows) const {
  if (rows < length_) {
    throw DataError("windows of " + std::to_string(length_) + " rows: the data has only " + std::to_string(rows) +
                    " rows; use a shorter --window or more rows");
  }
  std::vector<int64_t> starts;
  for (int64_t start = 0; start + length_ <= rows; start += stride_) starts.push_back(start);
  if (starts.back() + length_ < rows) starts.push_back(rows - length_);  // the last rows too
  return starts;
}

Dataset Windowing::cut(const Dataset& series) const {
  check_numeric(series, "windows");
  if (!series.sample_shape.empty()) {
    throw DataError("windows are cut from a table of rows x features, got samples of shape " +
                    shape_to_string(series.sample_shape) + "; drop --window for images and sequences");
  }
  const auto starts = this->starts(series.rows());
  const auto index = torch::tensor(starts, torch::kLong).unsqueeze(1) + torch::arange(length_).unsqueeze(0);
  // windows x length x features -> windows x features x length: channels first.
  const auto windows = series.features.index_select(0, index.flatten()).view({-1, length_, series.cols()});
  Dataset out;
  out.features = windows.transpose(1, 2).reshape({windows.size(0), -1}).contiguous();
  out.sample_shape = {series.cols(), length_};
  for (const auto& column : series.columns) {
    for (int64_t step = 0; step < length_; ++step) out.columns.push_back(column + "@" + std::to_string(step + 1));
  }
  if (!series.label_name.empty()) {
    out.label_name = series.label_name;
    for (int64_t start : starts) out.labels.push_back(series.labels[static_cast<size_t>(start + length_ - 1)]);
  }
  return out;
}

at::Tensor Windowing::per_row(const at::Tensor& per_window, int64_t rows) const {
  const auto values = per_window.reshape({per_window.size(0), 1, -1});  // the same value at every step
  const auto means = mean_over_windows(values.expand({-1, length_, -1}), rows);
  return per_window.dim() == 1 ? means.squeeze(1) : means;
}

at::Tensor Windowing::overlap_average(const at::Tensor& windows, int64_t rows) const {
  const int64_t features = windows.numel() / std::max<int64_t>(windows.size(0), 1) / length_;
  return mean_over_windows(windows.reshape({windows.size(0), features, length_}).transpose(1, 2), rows);
}

at::Tensor Windowing::mean_over_windows(const at::Tensor& steps, int64_t rows) const {
  const auto starts = this->starts(rows);
  if (steps.size(0) != static_cast<int64_t>(starts.size())) {
    throw InvalidArgument("expected one value per window (" + std::to_string(starts.size()) + " windows over " +
                          std::to_string(rows) + " rows), got " + std::to_string(steps.size(0)));
  }
  const auto values = steps.to(torch::kDouble);
  auto sums = torch::zeros({rows, values.size(2)}, torch::kDouble);
  auto counts = torch::zeros({rows, 1}, torch::kDouble);
  for (size_t w = 0; w < starts.size(); ++w) {
    sums.narrow(0, starts[w], length_) += values[static_cast<int64_t>(w)];
    counts.narrow(0, starts[w], length_) += 1;
  }
  return (sums / counts).to(steps.scalar_type());
}

}  // namespace hourglass
