// What training minimises for a learner: the reconstruction loss (or correntropy, or a
// variational learner's ELBO) plus the penalties of its variants, each reported as its
// own history column.
//
//   Objective objective(learner, net);
//   auto terms = objective(batch);   // terms.total, terms.parts {"reconstruction", ...}
//   terms.total.backward();
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "hourglass/data/table_coding.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/variants/autoencoder.hpp"
#include "losses/losses.hpp"
#include "nn/autoencoder_net.hpp"

namespace hourglass {

class Objective {
 public:
  using Parts = std::vector<std::pair<std::string, at::Tensor>>;
  struct Terms {
    at::Tensor total;
    /// Named parts in column order; empty for a learner with no penalty on a table
    /// without categories. A table with categories adds its "numeric" and "categorical"
    /// columns' shares of the reconstruction loss, which sum to it.
    Parts parts;
    /// The network's output for the batch, to compare with it for metrics.
    at::Tensor reconstruction;
  };

  /// `coding` says which of the batch's values form a categorical column's group. In
  /// training mode the reconstruction loss leaves out the `trim` share of the batch's
  /// rows that it reconstructs worst (TrainOptions::trim).
  Objective(const Autoencoder& learner, nn::AutoencoderNet net, TableCoding coding = {}, double trim = 0);

  /// On many processes, how the ranks agree on the denominator of a loss over present
  /// cells: given this rank's present cells and rows, the denominator that makes the
  /// ranks' row-weighted gradients add up to the whole batch's (all ranks' present cells,
  /// in this rank's share of the rows). It takes part in a collective, so every rank
  /// calls it once a step, a rank without rows too (TrainingSession does).
  using CellAgreement = std::function<double(double cells, double rows)>;

  /// The loss of a batch of targets (TableCoding::target: missing cells are NaN, and are
  /// filled before the network reads them). In training mode a denoising learner
  /// corrupts the input with fresh noise and compares the reconstruction with the clean
  /// batch; in evaluation mode the input stays clean. With `agree_on_cells`, the
  /// reconstruction loss over present cells uses the agreed denominator (not for the
  /// ELBO, whose loss is per row).
  Terms operator()(const at::Tensor& batch, const CellAgreement& agree_on_cells = {});

  /// Throws InvalidArgument when the learner cannot train on a table with categorical
  /// columns or missing cells (a loss of whole rows, correntropy); call it before the
  /// first batch of such a table, which would otherwise fail there.
  static void check_table_learner(const Autoencoder& learner);

  /// The part names, in the order operator() returns them.
  std::vector<std::string> part_names() const;

 private:
  bool has_penalty() const;
  /// Reconstruction loss (or correntropy), sparsity and contraction.
  Terms reconstruction_terms(at::Tensor input, const at::Tensor& batch);
  /// The ELBO: reconstruction summed over features and the KL divergence.
  Terms variational_terms(const at::Tensor& input, const at::Tensor& batch);
  static void add(Terms& terms, const char* name, const at::Tensor& penalty);
  /// The reconstruction loss: the mean over the batch's values, or a table's mean over
  /// its present cells (a categorical column's cross-entropy counting as one);
  /// `per_row` sums each row's instead, as the ELBO does. A table with categories
  /// appends its numeric and categorical shares to `parts`.
  at::Tensor reconstruction_loss(const at::Tensor& reconstruction, const at::Tensor& batch, bool per_row,
                                 Parts& parts) const;
  /// A table with categories: which of its columns are categorical, which numeric.
  at::Tensor categorical_columns_, numeric_columns_;

  Autoencoder learner_;
  nn::AutoencoderNet net_;
  ResolvedLoss loss_;
  TableCoding coding_;
  double trim_ = 0;
  /// operator()'s agreement, during the call.
  CellAgreement agree_on_cells_;
};

}  // namespace hourglass
