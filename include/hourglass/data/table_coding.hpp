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
// levels with conform(), which refuses a level the training data did not have, reads it
// as a missing cell (as H2O does) or as the column's "(other)" level.
//
// Two choices at fit (TableCodingOptions): a 0/1 missing indicator per column that had
// holes, read and reconstructed beside the coded columns (scikit-learn's add_indicator),
// and an "(other)" level per categorical column for its rare and unseen levels
// (scikit-learn's min_frequency with handle_unknown = "infrequent_if_exist"):
//
//   TableCoding coding = TableCoding::fit("zscore", table.features, table.levels, table.columns,
//                                         TableCodingOptions().missing_indicators(true).other_level(5));
//   at::Tensor rows = coding.relevel(table.features, table.levels);  // rare levels -> "(other)"
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <string>
#include <vector>

#include "hourglass/data/scaler.hpp"

namespace hourglass {

struct Dataset;

/// What TableCoding::fit adds to the columns' coding.
struct TableCodingOptions {
  /// A 0/1 value per column with missing cells in the training data (1: missing), given to
  /// the network after the coded columns and reconstructed under the model's loss, its
  /// loss added to its column's: the network sees where the holes are, and a hole where
  /// holes are rare scores high. Tables only (rows x columns).
  TORCH_ARG(bool, missing_indicators) = false;
  /// 0: off. N >= 1: every categorical column gets the last level "(other)", which takes
  /// the column's levels seen in fewer than N training rows (1: none) and, in conform(),
  /// the levels the training data did not have.
  TORCH_ARG(int64_t, other_level) = 0;
};

/// Where a table's columns sit among the network's values: each numeric column one value
/// and each categorical column a group of one value per level, in the columns' order,
/// then a missing indicator per column that has one.
struct TableLayout {
  /// A categorical column: its position in the data, its first value, its levels.
  struct Group {
    int64_t column, first, size;
  };
  int64_t columns = 0;  ///< of the data
  int64_t width = 0;    ///< values per row on the network's side
  /// The numeric columns' positions in the data, and their values' among the network's.
  std::vector<int64_t> numeric_columns, numeric_values;
  std::vector<Group> groups;
  /// The columns with a missing indicator (increasing), whose values start at first_indicator.
  std::vector<int64_t> indicator_columns;
  int64_t first_indicator = 0;

  /// The layout of `columns` columns with these levels (one list per column, empty for a
  /// numeric one; no lists: all numeric) and missing indicators.
  static TableLayout of(int64_t columns, const std::vector<std::vector<std::string>>& levels,
                        std::vector<int64_t> indicator_columns = {});
  /// {columns} bools, true for a categorical column.
  at::Tensor categorical() const;
};

/// What TableCoding::conform does with a level the training data did not have.
enum class UnseenLevels {
  model_rule,  ///< "(other)" where the model has that level (TableCodingOptions::other_level), else refuse
  refuse,      ///< a DataError naming the column and the value
  missing,     ///< a missing cell, as H2O does
  other,       ///< the column's "(other)" level; InvalidArgument for a model without one
};

class TableCoding {
 public:
  /// A categorical column may have at most this many levels: more is an identifier or
  /// free text, whose one-hot group would dwarf the rest of the table.
  static constexpr size_t kMaxLevels = 1000;
  /// The name of the level TableCodingOptions::other_level adds, last in each column.
  static constexpr const char* kOtherLevel = "(other)";

  /// The identity: every column numeric, unscaled.
  TableCoding() = default;
  /// Fits on rows x columns: the scaler (`scale`: none, zscore, minmax) and the fill
  /// values on the numeric columns' present cells. `levels` has one entry per column
  /// (empty for a numeric one), or none at all. Throws DataError for a column with no
  /// value, a categorical cell that is not the index of a level, or too many levels.
  /// With an other_level the coding's levels differ from `levels`: relevel() the data.
  static TableCoding fit(const std::string& scale, const at::Tensor& data,
                         std::vector<std::vector<std::string>> levels = {}, std::vector<std::string> names = {},
                         const TableCodingOptions& options = {});
  /// Rebuilds a fitted coding (from a model file); `mean` may be undefined (a file from
  /// before missing values were taken: such a model refuses data with holes).
  /// `missing_indicators` lists the columns (from 0, increasing) that have one;
  /// `rare_levels` are the levels "(other)" took in training (as rare_levels()).
  static TableCoding from_parts(Scaler scaler, at::Tensor mean, std::vector<std::vector<std::string>> levels,
                                std::vector<std::string> names, std::vector<int64_t> missing_indicators = {},
                                int64_t other_level = 0, std::vector<std::vector<std::string>> rare_levels = {});

  /// Rows x width(): numeric columns scaled, categorical ones one-hot; NaN where missing.
  at::Tensor target(const at::Tensor& data) const;
  /// The target with its missing cells filled: what the network reads.
  at::Tensor fill(const at::Tensor& target) const;
  at::Tensor transform(const at::Tensor& data) const { return fill(target(data)); }
  /// The network's rows x width() back in the data's units: each categorical column the
  /// index of its most likely level (the missing indicators are left out).
  at::Tensor inverse_transform(const at::Tensor& values) const;

  /// Each column's loss in each row, for a prediction of rows x width() against a
  /// target(): `cell_loss` on a numeric column, the cross-entropy of the softmax of its
  /// group on a categorical one, 0 on a missing cell, plus `cell_loss` on the column's
  /// missing indicator where it has one; `present` is 1 where the target has a value (or
  /// the column an indicator) and 0 where it is missing. Both rows x columns().
  struct ColumnLosses {
    at::Tensor values, present;
    /// A table row's score: its mean loss over its present cells, a categorical column
    /// counting once (Model::score, and the rows training trims rank by it).
    at::Tensor row_scores() const;
    /// Each column's share of its row's score, 0 for a missing cell: they sum to row_scores().
    at::Tensor shares() const;
  };
  using CellLoss = at::Tensor (*)(const at::Tensor& prediction, const at::Tensor& target);
  ColumnLosses column_losses(const at::Tensor& prediction, const at::Tensor& target, CellLoss cell_loss) const;
  /// Whether a batch needs column_losses(): the table has categories or missing
  /// indicators, or `target` holes.
  bool needs_column_losses(const at::Tensor& target) const;

  /// `data`'s features in this coding's levels and column order, checked against its
  /// names (when both have them). Throws DataError naming the column and the value for
  /// a level not seen in training unless `unseen` says otherwise; and for a label column
  /// (Dataset::label_name) that the model has as a feature.
  at::Tensor conform(const Dataset& data, UnseenLevels unseen = UnseenLevels::model_rule) const;
  /// `features`, whose categorical cells index `levels` (another table's, e.g. the
  /// training data's own before fit() made its rare levels "(other)"), in this coding's
  /// levels, mapped by name; `names` label the columns in messages.
  at::Tensor relevel(const at::Tensor& features, const std::vector<std::vector<std::string>>& levels,
                     const std::vector<std::string>& names = {}, UnseenLevels unseen = UnseenLevels::model_rule) const;

  const Scaler& scaler() const { return scaler_; }
  /// The numeric columns' training means (float, in the data's units): the fill values.
  const at::Tensor& mean() const { return mean_; }
  const std::vector<std::vector<std::string>>& levels() const { return levels_; }
  const std::vector<std::string>& names() const { return names_; }
  /// Where each column sits among the network's values.
  const TableLayout& layout() const { return layout_; }
  bool has_categories() const { return !layout_.groups.empty(); }
  /// Whether the network's values are not the data's columns one to one (categories or
  /// missing indicators): the network is width() wide and the data columns() wide.
  bool recodes() const { return !layout_.groups.empty() || !indicators_.empty(); }
  /// The columns (from 0) with a missing indicator, in order; their values come last.
  const std::vector<int64_t>& missing_indicators() const { return indicators_; }
  /// TableCodingOptions::other_level: 0, or the count under which a level is "(other)".
  int64_t other_level() const { return other_level_; }
  /// Per column, the training data's levels that "(other)" took (empty when none, or
  /// none at all): they read as "(other)" whatever the rule for unseen levels.
  const std::vector<std::vector<std::string>>& rare_levels() const { return rare_levels_; }
  /// Whether the data it was fitted on had missing cells (false once saved and loaded).
  bool fitted_on_holes() const { return fitted_on_holes_; }
  /// Columns of the data, and values per row on the network's side.
  int64_t columns() const { return layout_.columns; }
  int64_t width() const { return layout_.width; }
  /// {columns()}: the shape of one row of the data.
  const std::vector<int64_t>& shape() const { return shape_; }

 private:
  void lay_out(int64_t columns);
  Scaler scaler_;
  at::Tensor mean_;
  std::vector<std::vector<std::string>> levels_;
  std::vector<std::string> names_;
  std::vector<int64_t> shape_;
  bool fitted_on_holes_ = false;
  std::vector<int64_t> indicators_;
  int64_t other_level_ = 0;
  std::vector<std::vector<std::string>> rare_levels_;
  TableLayout layout_;
  // The layout's positions as index tensors, and the values that fill a missing cell.
  at::Tensor numeric_columns_, numeric_values_, fill_values_, indicator_columns_;
};

}  // namespace hourglass
