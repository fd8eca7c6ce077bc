#include "hourglass/model/baseline.hpp"

#include <torch/torch.h>

#include <algorithm>

#include "data/mapped_file.hpp"
#include "hourglass/data/table_coding.hpp"
#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/model/pca.hpp"

namespace hourglass {
namespace {

constexpr int64_t kChunkRows = 4096;

// Running sums of a measure over the cells it counts.
struct Mean {
  double sum = 0;
  int64_t count = 0;
  std::optional<double> value() const {
    return count > 0 ? std::optional<double>(sum / static_cast<double>(count)) : std::nullopt;
  }
};

void check_rows(const Model& model, const at::Tensor& rows) {
  if (!rows.defined() || rows.dim() != 2 || rows.size(1) != model.coding().columns() || rows.size(0) < 1) {
    throw InvalidArgument("compare_with_pca: expected at least one row of " + std::to_string(model.coding().columns()) +
                          " columns (the model's), got " + (rows.defined() ? c10::str(rows.sizes()) : "no data") +
                          "; give the data the model was trained on, flattened to rows");
  }
}

}  // namespace

at::Tensor baseline_rows(const at::Tensor& rows) {
  const int64_t n = rows.size(0);
  if (n <= kBaselineRows) return rows;
  return rows.index_select(0, torch::arange(kBaselineRows, torch::kLong).mul(n).div(kBaselineRows, "floor"));
}

Pca fit_pca_baseline(const Model& model, const at::Tensor& all_rows) {
  check_rows(model, all_rows);
  const TableCoding& coding = model.coding();
  const int64_t k = std::min(model.code_dim(), coding.width());
  return Pca::fit(baseline_rows(all_rows), k, "auto",
                  [&coding](const at::Tensor& part) { return coding.transform(part); });
}

PcaComparison compare_with_pca(const Model& model, const at::Tensor& all_rows, const Pca& baseline) {
  check_rows(model, all_rows);
  const at::Tensor rows = baseline_rows(all_rows);
  const TableCoding& coding = model.coding();
  const auto categorical = coding.layout().categorical();
  torch::NoGradGuard no_grad;
  Mean mse, pca_mse, accuracy, pca_accuracy;
  for (int64_t first = 0; first < rows.size(0); first += kChunkRows) {
    check_mapped_file(rows);
    const auto chunk = rows.narrow(0, first, std::min(kChunkRows, rows.size(0) - first)).to(torch::kFloat);
    release_mapped_pages(rows);
    const auto ours = model.reconstruct(chunk).reshape_as(chunk);
    const auto theirs = coding.inverse_transform(baseline.reconstruct(coding.transform(chunk)));
    const auto present = chunk.isnan().logical_not();
    const auto numbers = present & categorical.logical_not(), categories = present & categorical;
    const int64_t numeric_cells = numbers.sum().item<int64_t>(), category_cells = categories.sum().item<int64_t>();
    const auto squares = [&](const at::Tensor& back) {
      return (back - chunk).square().masked_fill(numbers.logical_not(), 0).sum(at::kDouble).item<double>();
    };
    const auto matches = [&](const at::Tensor& back) { return ((back == chunk) & categories).sum().item<double>(); };
    if (numeric_cells > 0) {
      mse.sum += squares(ours), pca_mse.sum += squares(theirs);
      mse.count += numeric_cells, pca_mse.count += numeric_cells;
    }
    if (category_cells > 0) {
      accuracy.sum += matches(ours), pca_accuracy.sum += matches(theirs);
      accuracy.count += category_cells, pca_accuracy.count += category_cells;
    }
  }
  return {baseline.k(), rows.size(0), mse.value(), pca_mse.value(), accuracy.value(), pca_accuracy.value()};
}

PcaComparison compare_with_pca(const Model& model, const at::Tensor& rows) {
  return compare_with_pca(model, rows, fit_pca_baseline(model, rows));
}

}  // namespace hourglass
