// The loss and metric registries (internal): each loss as a mean, a value per row and,
// for losses of single cells, a value per cell (what masks and per-feature scores need).
#pragma once

#include "hourglass/losses/loss.hpp"
#include "hourglass/registry.hpp"

namespace hourglass {

using CellLoss = at::Tensor (*)(const at::Tensor& prediction, const at::Tensor& target);
using RowLoss = RowLossFunction;

struct LossDefinition {
  LossFunction mean;
  RowLoss rows;
  /// nullptr for a loss of the whole sample (cosine similarity, categorical cross-entropy).
  CellLoss cells;
};

const Registry<LossDefinition>& losses();
/// The losses and binary_accuracy.
const Registry<LossDefinition>& metrics();

}  // namespace hourglass
