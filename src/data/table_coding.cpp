#include "hourglass/data/table_coding.hpp"

#include <torch/nn/functional/activation.h>

#include <algorithm>
#include <cmath>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"

namespace hourglass {
namespace {

std::string column_label(const std::vector<std::string>& names, int64_t column) {
  const auto c = static_cast<size_t>(column);
  return c < names.size() ? "'" + abbreviate(names[c]) + "'" : std::to_string(column + 1);
}

// Where categorical column c's codes (the indices of its `levels` levels, NaN in a hole)
// are present, once each present code is checked to be an index and the column to have one.
at::Tensor checked_codes(const at::Tensor& codes, size_t levels, const std::vector<std::string>& names, int64_t c) {
  const auto present = codes.isnan().logical_not();
  const auto bad = present & ((codes < 0) | (codes >= static_cast<double>(levels)) | (codes != codes.floor()));
  if (bad.any().item<bool>()) {
    const auto row = bad.nonzero()[0][0].item<int64_t>();
    throw DataError("column " + column_label(names, c) + ", row " + std::to_string(row + 1) + ": " +
                    format_number(codes[row].item<double>()) + " is not the index of one of its " +
                    std::to_string(levels) + " levels (0 to " + std::to_string(levels - 1) + ")");
  }
  if (!present.any().item<bool>()) {
    throw DataError("column " + column_label(names, c) +
                    " has no value in the training data (every cell is missing); leave it out");
  }
  return present;
}

// Puts a column's levels seen in fewer than other_level rows together: the others keep
// their order, and "(other)" comes last. Returns the levels put together.
std::vector<std::string> put_rare_levels_together(std::vector<std::string>& levels, const at::Tensor& codes,
                                                  const at::Tensor& present, int64_t other_level) {
  const auto counts = codes.masked_select(present).to(torch::kLong).bincount({}, levels.size()).contiguous();
  const auto* count = counts.data_ptr<int64_t>();
  std::vector<std::string> kept, rare;
  for (size_t l = 0; l < levels.size(); ++l) {
    const auto& level = levels[l];
    if (level == TableCoding::kOtherLevel) continue;
    (count[l] >= other_level ? kept : rare).push_back(level);
  }
  kept.emplace_back(TableCoding::kOtherLevel);
  levels = std::move(kept);
  return rare;
}

// The summary of the numeric columns of the rows, each checked to have a value.
ColumnSummary numeric_summary(const at::Tensor& rows, const std::vector<int64_t>& numeric,
                              const std::vector<std::string>& names) {
  // All numeric (no levels, or only empty ones, as a .npy file has): the data itself, not
  // a copy, which for a memory-mapped file would be the whole file in memory.
  const bool all_numeric = static_cast<int64_t>(numeric.size()) == rows.size(1);
  const auto summary =
      summarize_columns(all_numeric ? rows : rows.index_select(1, torch::tensor(numeric, torch::kLong)));
  const auto empty = summary.count == 0;
  if (empty.any().item<bool>()) {
    const auto column = numeric[static_cast<size_t>(empty.nonzero()[0][0].item<int64_t>())];
    throw DataError("column " + column_label(names, column) +
                    " has no value in the training data (every cell is missing); leave it out");
  }
  return summary;
}

}  // namespace

at::Tensor TableCoding::ColumnLosses::row_scores() const { return values.sum(1) / present.sum(1).clamp_min(1); }

at::Tensor TableCoding::ColumnLosses::shares() const { return values / present.sum(1, /*keepdim=*/true).clamp_min(1); }

TableLayout TableLayout::of(int64_t columns, const std::vector<std::vector<std::string>>& levels,
                            std::vector<int64_t> indicator_columns) {
  TableLayout layout;
  layout.columns = columns;
  for (int64_t c = 0; c < columns; ++c) {
    const auto size = levels.empty() ? 0 : static_cast<int64_t>(levels.at(static_cast<size_t>(c)).size());
    if (size == 0) {
      layout.numeric_columns.push_back(c);
      layout.numeric_values.push_back(layout.width++);
    } else {
      layout.groups.push_back({c, layout.width, size});
      layout.width += size;
    }
  }
  layout.first_indicator = layout.width;
  layout.width += static_cast<int64_t>(indicator_columns.size());
  layout.indicator_columns = std::move(indicator_columns);
  return layout;
}

at::Tensor TableLayout::categorical() const {
  auto mask = torch::zeros({columns}, torch::kBool);
  for (const auto& g : groups) mask[g.column] = true;
  return mask;
}

void TableCoding::lay_out(int64_t columns) {
  shape_ = {columns};
  layout_ = TableLayout::of(columns, levels_, indicators_);
  if (layout_.groups.empty()) levels_.clear();
  indicator_columns_ = torch::tensor(layout_.indicator_columns, torch::kLong);
  numeric_columns_ = torch::tensor(layout_.numeric_columns, torch::kLong);
  numeric_values_ = torch::tensor(layout_.numeric_values, torch::kLong);
  fill_values_ = torch::zeros({layout_.width}, torch::kFloat);
  if (mean_.defined() && mean_.numel() > 0) {
    fill_values_.index_copy_(0, numeric_values_, scaler_.transform(mean_.unsqueeze(0)).squeeze(0));
  }
}

TableCoding TableCoding::fit(const std::string& scale, const at::Tensor& data,
                             std::vector<std::vector<std::string>> levels, std::vector<std::string> names,
                             const TableCodingOptions& options) {
  const auto rows = data.reshape({data.size(0), -1});
  const int64_t columns = rows.size(1);
  if (!levels.empty() && static_cast<int64_t>(levels.size()) != columns) {
    throw InvalidArgument("TableCoding: " + std::to_string(levels.size()) + " lists of levels for " +
                          std::to_string(columns) + " columns; give one per column (empty for a numeric one)");
  }
  if (options.other_level() < 0) {
    throw InvalidArgument("other_level: expected 0 (off) or a count of rows >= 1, got " +
                          std::to_string(options.other_level()));
  }
  TableCoding coding;
  coding.levels_ = std::move(levels);
  coding.names_ = std::move(names);
  std::vector<int64_t> numeric;
  std::vector<bool> holes(static_cast<size_t>(columns), false);
  for (int64_t c = 0; c < columns; ++c) {
    auto* column_levels = coding.levels_.empty() ? nullptr : &coding.levels_[static_cast<size_t>(c)];
    if (!column_levels || column_levels->empty()) {
      numeric.push_back(c);
      continue;
    }
    const auto codes = rows.select(1, c);
    const auto present = checked_codes(codes, column_levels->size(), coding.names_, c);
    holes[static_cast<size_t>(c)] = !present.all().item<bool>();
    if (options.other_level() > 0) {
      auto rare = put_rare_levels_together(*column_levels, codes, present, options.other_level());
      coding.rare_levels_.resize(static_cast<size_t>(columns));
      coding.rare_levels_[static_cast<size_t>(c)] = std::move(rare);
    }
    if (column_levels->size() > kMaxLevels) {
      throw DataError("column " + column_label(coding.names_, c) + " has " + std::to_string(column_levels->size()) +
                      " different values, more than " + std::to_string(kMaxLevels) +
                      " categories: an identifier or free text? Leave it out of the features, make it the label, or "
                      "put its rare levels together (--other-level N)");
    }
  }
  const auto summary = numeric_summary(rows, numeric, coding.names_);
  const auto numeric_holes = (summary.count < static_cast<double>(rows.size(0))).contiguous();
  const bool* numeric_has_holes = numeric_holes.data_ptr<bool>();
  for (size_t i = 0; i < numeric.size(); ++i) holes[static_cast<size_t>(numeric[i])] = numeric_has_holes[i];
  for (int64_t c = 0; c < columns; ++c) {
    if (!holes[static_cast<size_t>(c)]) continue;
    coding.fitted_on_holes_ = true;
    if (options.missing_indicators()) coding.indicators_.push_back(c);
  }
  if (!coding.indicators_.empty() && data.dim() > 2) {
    throw InvalidArgument("missing indicators are for tables (rows x columns), not samples of " +
                          std::to_string(data.dim() - 1) + " dimensions; drop the missing indicators");
  }
  coding.scaler_ = Scaler::fit(scale, summary);
  coding.mean_ = summary.mean.to(torch::kFloat);
  coding.lay_out(columns);
  coding.other_level_ = coding.has_categories() ? options.other_level() : 0;
  return coding;
}

TableCoding TableCoding::from_parts(Scaler scaler, at::Tensor mean, std::vector<std::vector<std::string>> levels,
                                    std::vector<std::string> names, std::vector<int64_t> missing_indicators,
                                    int64_t other_level, std::vector<std::vector<std::string>> rare_levels) {
  TableCoding coding;
  coding.scaler_ = std::move(scaler);
  coding.mean_ = mean.defined() ? mean.to(torch::kFloat).reshape({-1}).contiguous() : mean;
  coding.levels_ = std::move(levels);
  coding.names_ = std::move(names);
  coding.indicators_ = std::move(missing_indicators);
  int64_t numeric = coding.mean_.defined() ? coding.mean_.numel() : coding.scaler_.offset().numel();
  int64_t categorical = 0;
  for (const auto& l : coding.levels_) categorical += l.empty() ? 0 : 1;
  const int64_t columns = coding.levels_.empty() ? numeric : static_cast<int64_t>(coding.levels_.size());
  for (size_t i = 0; i < coding.indicators_.size(); ++i) {
    const int64_t c = coding.indicators_[i];
    if (c < 0 || c >= columns || (i > 0 && c <= coding.indicators_[i - 1])) {
      throw InvalidArgument("TableCoding: missing indicators must name columns 0 to " + std::to_string(columns - 1) +
                            " in increasing order, got column " + std::to_string(c));
    }
  }
  if (!coding.indicators_.empty() && !coding.mean_.defined()) {
    throw InvalidArgument("TableCoding: missing indicators need the numeric columns' means");
  }
  coding.lay_out(columns);
  if (coding.numeric_columns_.numel() != numeric && (coding.mean_.defined() || !coding.scaler_.is_identity())) {
    throw InvalidArgument("TableCoding: " + std::to_string(numeric) + " numeric means or scales for " +
                          std::to_string(coding.numeric_columns_.numel()) + " numeric columns (" +
                          std::to_string(categorical) + " categorical)");
  }
  if (other_level < 0 || (other_level > 0 && !coding.has_categories())) {
    throw InvalidArgument("TableCoding: an other_level of " + std::to_string(other_level) +
                          " needs a count >= 1 and categorical columns");
  }
  for (const auto& g : coding.layout_.groups) {
    if (other_level > 0 && coding.levels_[static_cast<size_t>(g.column)].back() != kOtherLevel) {
      throw InvalidArgument("TableCoding: with an other_level, every categorical column's last level is \"" +
                            std::string(kOtherLevel) + "\"; column " + std::to_string(g.column + 1) + "'s is not");
    }
  }
  if (!rare_levels.empty() && (other_level == 0 || rare_levels.size() != static_cast<size_t>(columns))) {
    throw InvalidArgument("TableCoding: rare levels need an other_level and one list per column");
  }
  coding.other_level_ = other_level;
  coding.rare_levels_ = std::move(rare_levels);
  return coding;
}

at::Tensor TableCoding::target(const at::Tensor& data) const {
  if (!recodes()) return scaler_.transform(data);
  auto out = torch::empty({data.size(0), layout_.width}, data.options().dtype(torch::kFloat));
  out.index_copy_(1, numeric_values_, scaler_.transform(data.index_select(1, numeric_columns_)));
  for (const auto& g : layout_.groups) {
    const auto codes = data.select(1, g.column);
    const auto missing = codes.isnan().unsqueeze(1);
    const auto one_hot = torch::nn::functional::one_hot(codes.nan_to_num(0).to(torch::kLong), g.size).to(torch::kFloat);
    out.narrow(1, g.first, g.size).copy_(torch::where(missing, torch::full_like(one_hot, NAN), one_hot));
  }
  if (!indicators_.empty()) {
    out.narrow(1, layout_.first_indicator, indicator_columns_.numel())
        .copy_(data.index_select(1, indicator_columns_).isnan());
  }
  return out;
}

at::Tensor TableCoding::fill(const at::Tensor& target) const {
  const auto missing = target.isnan();
  if (!missing.any().item<bool>()) return target;
  if (!mean_.defined()) {
    throw DataError(
        "the data has missing cells (NaN) but this model was saved before Hourglass took them; "
        "train it again, or fill the holes first");
  }
  return torch::where(missing, fill_values_.view({1, -1}).expand_as(target), target);
}

at::Tensor TableCoding::inverse_transform(const at::Tensor& values) const {
  if (!recodes()) return scaler_.inverse_transform(values);
  auto out = torch::empty({values.size(0), layout_.columns}, values.options().dtype(torch::kFloat));
  out.index_copy_(1, numeric_columns_, scaler_.inverse_transform(values.index_select(1, numeric_values_)));
  for (const auto& g : layout_.groups) {
    out.select(1, g.column).copy_(values.narrow(1, g.first, g.size).argmax(1).to(torch::kFloat));
  }
  return out;
}

bool TableCoding::needs_column_losses(const at::Tensor& target) const {
  return recodes() || target.isnan().any().item<bool>();
}

TableCoding::ColumnLosses TableCoding::column_losses(const at::Tensor& prediction, const at::Tensor& target,
                                                     CellLoss cell_loss) const {
  const int64_t rows = target.size(0);
  const auto present_values = target.isnan().logical_not();
  // A missing target is 0 before the loss, then masked: NaN would reach the gradient.
  const auto known = target.nan_to_num(0.0);
  if (!recodes()) {
    const auto present = present_values.to(prediction.scalar_type());
    return {cell_loss(prediction, known).reshape({rows, -1}) * present, present};
  }
  auto values = torch::zeros({rows, layout_.columns}, prediction.options());
  auto present = torch::zeros({rows, layout_.columns}, prediction.options());
  const auto numeric_present = present_values.index_select(1, numeric_values_).to(prediction.scalar_type());
  const auto numeric_loss =
      cell_loss(prediction.index_select(1, numeric_values_), known.index_select(1, numeric_values_));
  values = values.index_copy(1, numeric_columns_, numeric_loss * numeric_present);
  present = present.index_copy(1, numeric_columns_, numeric_present);
  for (const auto& g : layout_.groups) {
    const auto group_present = present_values.select(1, g.first).to(prediction.scalar_type());
    const auto log_p = torch::log_softmax(prediction.narrow(1, g.first, g.size), 1);
    // known x (-log p), not -(known x log p): a missing cell's share is +0, not -0.
    const auto cross_entropy = (known.narrow(1, g.first, g.size) * log_p.neg()).sum(1);
    values = values.index_copy(1, torch::tensor({g.column}), (cross_entropy * group_present).unsqueeze(1));
    present = present.index_copy(1, torch::tensor({g.column}), group_present.unsqueeze(1));
  }
  if (!indicators_.empty()) {
    // An indicator is always known: its column counts in every row.
    const auto n = indicator_columns_.numel();
    const auto indicated =
        cell_loss(prediction.narrow(1, layout_.first_indicator, n), known.narrow(1, layout_.first_indicator, n));
    values = values.index_add(1, indicator_columns_, indicated);
    present = present.index_fill(1, indicator_columns_, 1.0);
  }
  return {values, present};
}

namespace {

// Whether every cell of column `c` is missing: a column of which a reader saw no cell
// is numeric to it, and fits a categorical column of the model all the same.
bool all_missing(const at::Tensor& features, int64_t c) {
  return features.size(0) > 0 && features.select(1, c).isnan().all().item<bool>();
}

}  // namespace

at::Tensor TableCoding::conform(const Dataset& data, UnseenLevels unseen) const {
  const auto columns = data.cols();
  if (!data.label_name.empty() && std::find(names_.begin(), names_.end(), data.label_name) != names_.end()) {
    throw DataError("'" + abbreviate(data.label_name) +
                    "' is the data's label, but the model was trained with it as a feature; drop --label " +
                    abbreviate(data.label_name) + " (or train again with it as the label)");
  }
  // Names are compared when both sides have them: a file without a header has only
  // V1..Vn, and a count that differs is the model's shape error to report.
  const bool named = !names_.empty() && data.columns.size() == names_.size() &&
                     data.columns != numbered_columns("V", static_cast<int64_t>(data.columns.size()));
  if (named && data.columns != names_) {
    for (size_t c = 0; c < std::max(names_.size(), data.columns.size()); ++c) {
      const std::string theirs = c < data.columns.size() ? "'" + abbreviate(data.columns[c]) + "'" : "none";
      const std::string ours = c < names_.size() ? "'" + abbreviate(names_[c]) + "'" : "none";
      if (theirs != ours) {
        throw DataError("column " + std::to_string(c + 1) + " of the data is " + theirs + " where the model has " +
                        ours + "; give the data the training data's columns, in its order (" +
                        abbreviate(join(names_), 200) + ")");
      }
    }
  }
  if (!data.has_categories()) {
    // A column with no cell at all reads as numbers; all missing, it fits any kind.
    const auto holds_numbers = [&](const auto& g) { return !all_missing(data.features, g.column); };
    const auto numbers = std::find_if(layout_.groups.begin(), layout_.groups.end(), holds_numbers);
    if (numbers != layout_.groups.end() && columns == layout_.columns) {
      const auto& g = *numbers;
      throw DataError("column " + column_label(names_, g.column) + " is categorical in the model (levels " +
                      abbreviate(join(levels_[static_cast<size_t>(g.column)]), 120) +
                      ") but holds numbers in the data; give it as text");
    }
    return data.features;
  }
  if (columns != layout_.columns) {
    std::string hint = "give it the training data's columns";
    for (const auto& name : data.columns) {
      if (names_.empty() || std::find(names_.begin(), names_.end(), name) != names_.end()) continue;
      hint = "column '" + abbreviate(name) + "' is not one of the model's (" + abbreviate(join(names_), 120) +
             "); keep a label column out with --label " + abbreviate(name);
      break;
    }
    throw DataError("the data has " + std::to_string(columns) + " columns where the model has " +
                    std::to_string(layout_.columns) + "; " + hint);
  }
  return relevel(data.features, data.levels, data.columns, unseen);
}

at::Tensor TableCoding::relevel(const at::Tensor& features, const std::vector<std::vector<std::string>>& levels,
                                const std::vector<std::string>& names, UnseenLevels unseen) const {
  if (unseen == UnseenLevels::other && other_level_ == 0) {
    throw InvalidArgument("unseen levels as \"" + std::string(kOtherLevel) +
                          "\": the model has no such level; train it with one (--other-level, R's other_level), "
                          "or read unseen levels as missing");
  }
  const int64_t columns = features.size(1);
  if (static_cast<int64_t>(levels.size()) != columns || columns != layout_.columns) {
    throw InvalidArgument("TableCoding::relevel: " + std::to_string(levels.size()) + " lists of levels for " +
                          std::to_string(columns) + " columns of data and " + std::to_string(layout_.columns) +
                          " of the model; give one list per column");
  }
  const bool to_other = unseen == UnseenLevels::other || (unseen == UnseenLevels::model_rule && other_level_ > 0);
  auto out = features.clone();
  for (int64_t c = 0; c < columns; ++c) {
    const auto& theirs = levels[static_cast<size_t>(c)];
    const std::vector<std::string> none;
    const auto& ours = levels_.empty() ? none : levels_[static_cast<size_t>(c)];
    const auto& rare = rare_levels_.empty() ? none : rare_levels_[static_cast<size_t>(c)];
    if (theirs.empty() && (ours.empty() || all_missing(features, c))) continue;
    if (theirs.empty() || ours.empty()) {
      throw DataError("column " + column_label(names, c) + " is " +
                      (ours.empty() ? "numeric in the model but text in the data"
                                    : "categorical in the model but numbers in the data") +
                      "; give the data the training data's kinds of columns");
    }
    // Each of the data's levels to the model's index of the same name.
    std::vector<float> mapping(theirs.size(), NAN);
    for (size_t l = 0; l < theirs.size(); ++l) {
      const auto found = std::find(ours.begin(), ours.end(), theirs[l]);  // R's levels need not be sorted
      if (found != ours.end()) {
        mapping[l] = static_cast<float>(found - ours.begin());
      } else if (to_other || std::find(rare.begin(), rare.end(), theirs[l]) != rare.end()) {
        mapping[l] = static_cast<float>(ours.size() - 1);
      } else if (unseen != UnseenLevels::missing) {
        throw DataError("column " + column_label(names, c) + ": '" + abbreviate(theirs[l]) +
                        "' is not one of the levels the model was trained on (" + abbreviate(join(ours), 200) +
                        (other_level_ > 0 ? "); fix the value, or read it as \"(other)\" or as missing "
                                            "(--unseen-levels other|missing)"
                                          : "); fix the value, read unseen levels as missing (--unseen-levels "
                                            "missing), or train with an \"(other)\" level for them (--other-level)"));
      }
    }
    auto column = out.select(1, c);
    const auto codes = column.nan_to_num(0).to(torch::kLong);
    const auto mapped = torch::tensor(mapping, torch::kFloat).index_select(0, codes);
    column.copy_(torch::where(column.isnan(), column, mapped));
  }
  return out;
}

}  // namespace hourglass
