// Time series as one long table: consecutive rows cut into windows, each a sequence of
// shape features x length (channels first, as lstm() and conv() read them), and values
// computed per window brought back to the rows (the mean over the windows that cover
// each row), as in Keras's time-series anomaly detection example.
//
//   const Windowing windowing(/*length=*/24, /*stride=*/1);
//   Dataset windows = windowing.cut(read_data("sensor.csv"));   // rows - 23 windows of 1 x 24
//   Model model = train(autoencoder(input() + lstm(16) + repeat_vector(24)
//                                   + lstm(16, "tanh", true) + output()), windows.samples());
//   at::Tensor per_row = windowing.per_row(model.score(windows.features), series.rows());
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "hourglass/data/dataset.hpp"

namespace hourglass {

class Windowing {
 public:
  /// Windows of `length` rows starting every `stride` rows. Throws InvalidArgument
  /// unless 1 <= stride <= length (every row is in a window).
  explicit Windowing(int64_t length, int64_t stride = 1);

  int64_t length() const { return length_; }
  int64_t stride() const { return stride_; }

  /// The first row of each window over `rows` rows: 0, stride, 2 stride, ..., and one
  /// more ending at the last row when the last ones would be left out. Throws
  /// DataError when there are fewer rows than one window.
  std::vector<int64_t> starts(int64_t rows) const;

  /// The windows of a table (rows x features): features x length samples, flattened
  /// to rows of features * length values named "<column>@<step>"; a window's label is
  /// its last row's. Throws DataError for data that is not a table (images, sequences).
  Dataset cut(const Dataset& series) const;

  /// Per-window values (windows, or windows x anything) back to the `rows` rows: each
  /// row gets the mean over the windows that cover it.
  at::Tensor per_row(const at::Tensor& per_window, int64_t rows) const;

  /// Per-window sequences (windows x features x length, or flat as cut() lays them out) back to
  /// a table of `rows` x features: each cell is the mean of the windows' values at it.
  at::Tensor overlap_average(const at::Tensor& windows, int64_t rows) const;

 private:
  // windows x length x K values, each step's -> rows x K means over the covering windows.
  at::Tensor mean_over_windows(const at::Tensor& steps, int64_t rows) const;

  int64_t length_, stride_;
};

}  // namespace hourglass
