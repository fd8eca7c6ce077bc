// How a table's columns become the network's values and back. Numeric columns go
// through the Scaler; each categorical column becomes a one-hot group, which the
// network reconstructs as logits of a softmax group scored by categorical cross-entropy;
// a missing cell (NaN) is filled with its column's training mean on the way in (a
// categorical one with no level: all zeros) and left out of the loss. A table of numbers
// with no holes codes exactly as its Scaler.
//
//   Dataset table = read_data("cancer.csv", ReadOptions().label("Class"));
//   TableCoding coding = TableCoding::fit("zscore", table.features, table.levels);
//   at::Tensor target = coding.target(table.features);   // rows x width(), NaN = missing
//   at::Tensor input = coding.fill(target);              // what the network reads
//   at::Tensor back = coding.inverse_transform(input);   // levels as their indices again
//
// A model keeps its coding (Model::coding()); data read separately is put in the model's
// levels with conform(), which refuses a level the training data did not have (or, with
// unseen_as_missing, reads it as a missing cell, as H2O does).
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "hourglass/data/scaler.hpp"

namespace hourglass {

struct Dataset;

class TableCoding {
 public:
  /// A categorical column may have at most this many levels: more is an identifier or
  /// free text, whose one-hot group would dwarf the rest of the table.
  static constexpr size_t kMaxLevels = 1000;

  /// The identity: every column numeric, unscaled.
  TableCoding() = default;
  /// Fits on rows x columns: the scaler (`scale`: none, zscore, minmax) and the fill
  /// values on the numeric columns' present cells. `levels` has one entry per column
  /// (empty for a numeric one), or none at all. Throws DataError for a column with no
  /// value, a categorical cell that is not the index of a level, or too many levels.
  static TableCoding fit(const std::string& scale, const at::Tensor& data,
                         std::vector<std::vector<std::string>> levels = {}, std::vector<std::string> names = {});
  /// Rebuilds a fitted coding (from a model file); `mean` may be undefined (a file from
  /// before missing values were taken: such a model refuses data with holes).
  static TableCoding from_parts(Scaler scaler, at::Tensor mean, std::vector<std::vector<std::string>> levels,
                                std::vector<std::string> names);

  /// Rows x width(): numeric columns scaled, categorical ones one-hot; NaN where missing.
  at::Tensor target(const at::Tensor& data) const;
  /// The target with its missing cells filled: what the network reads.
  at::Tensor fill(const at::Tensor& target) const;
  at::Tensor transform(const at::Tensor& data) const { return fill(target(data)); }
  /// The network's rows x width() back in the data's units: each categorical column the
  /// index of its most likely level.
  at::Tensor inverse_transform(const at::Tensor& values) const;

  /// Each column's loss in each row, for a prediction of rows x width() against a
  /// target(): `cell_loss` on a numeric column, the cross-entropy of the softmax of its
  /// group on a categorical one, 0 on a missing cell; `present` is 1 where the target
  /// has a value and 0 where it is missing. Both rows x columns().
  struct ColumnLosses {
    at::Tensor values, present;
  };
  using CellLoss = at::Tensor (*)(const at::Tensor& prediction, const at::Tensor& target);
  ColumnLosses column_losses(const at::Tensor& prediction, const at::Tensor& target, CellLoss cell_loss) const;
  /// Whether a batch needs column_losses(): the table has categories, or `target` holes.
  bool needs_column_losses(const at::Tensor& target) const;

  /// `data`'s features in this coding's levels and column order, checked against its
  /// names (when both have them). Throws DataError naming the column and the value for
  /// a level not seen in training, unless `unseen_as_missing`; and for a label column
  /// (Dataset::label_name) that the model has as a feature.
  at::Tensor conform(const Dataset& data, bool unseen_as_missing = false) const;

  const Scaler& scaler() const { return scaler_; }
  /// The numeric columns' training means (float, in the data's units): the fill values.
  const at::Tensor& mean() const { return mean_; }
  const std::vector<std::vector<std::string>>& levels() const { return levels_; }
  const std::vector<std::string>& names() const { return names_; }
  bool has_categories() const { return !groups_.empty(); }
  /// Whether the data it was fitted on had missing cells (false once saved and loaded).
  bool fitted_on_holes() const { return fitted_on_holes_; }
  /// Columns of the data, and values per row on the network's side.
  int64_t columns() const { return columns_; }
  int64_t width() const { return width_; }
  /// {columns()}: the shape of one row of the data.
  const std::vector<int64_t>& shape() const { return shape_; }

 private:
  void lay_out(int64_t columns);
  Scaler scaler_;
  at::Tensor mean_;
  std::vector<std::vector<std::string>> levels_;
  std::vector<std::string> names_;
  int64_t columns_ = 0, width_ = 0;
  std::vector<int64_t> shape_;
  bool fitted_on_holes_ = false;
  // Where each column sits: numeric columns' positions in the data and in the network's
  // values, and each categorical column's group (its position in the data, the first of
  // its values, how many).
  at::Tensor numeric_columns_, numeric_values_, fill_values_;
  struct Group {
    int64_t column, first, size;
  };
  std::vector<Group> groups_;
};

}  // namespace hourglass
