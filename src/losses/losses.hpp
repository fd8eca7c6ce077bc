// The loss and metric registries (internal): each loss as a mean, a value per row and,
// for losses of single cells, a value per cell (what masks and per-feature scores need),
// and as ONNX nodes (what an exported scorer computes).
#pragma once

#include "hourglass/losses/loss.hpp"
#include "hourglass/registry.hpp"

namespace hourglass {

class OnnxBuilder;

using CellLoss = at::Tensor (*)(const at::Tensor& prediction, const at::Tensor& target);
using RowLoss = RowLossFunction;

struct LossDefinition {
  LossFunction mean;
  RowLoss rows;
  /// nullptr for a loss of the whole sample (cosine similarity, categorical cross-entropy).
  CellLoss cells;
  /// The same loss as ONNX nodes on batches of rows `p` and `t`: per cell when `cells`
  /// is set, per row otherwise; returns the output's name. nullptr: no ONNX form.
  std::string (*onnx)(OnnxBuilder& onnx, const std::string& p, const std::string& t) = nullptr;
};

/// The loss of each row of batches `p` and `t` (rows x values) as ONNX nodes, as
/// `rows` computes it; throws InvalidArgument when the loss has no ONNX form.
std::string onnx_row_loss(OnnxBuilder& onnx, const std::string& name, const std::string& p, const std::string& t);

const Registry<LossDefinition>& losses();
/// A learner's loss, looked up once by name: what the objective, the scores, the report
/// and ONNX export hold, rather than looking the name up where they use it.
class ResolvedLoss {
 public:
  /// InvalidArgument listing the losses for an unknown name.
  explicit ResolvedLoss(std::string name);
  const std::string& name() const { return name_; }
  const LossDefinition& definition() const { return *definition_; }
  const LossDefinition* operator->() const { return definition_; }
  /// Its value per cell, for a table with categorical columns or missing cells
  /// (data/table_coding.hpp); InvalidArgument for a loss of whole rows.
  CellLoss table_cells() const;

 private:
  std::string name_;
  const LossDefinition* definition_;
};
/// The losses and binary_accuracy.
const Registry<LossDefinition>& metrics();

}  // namespace hourglass
