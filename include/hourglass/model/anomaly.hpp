// Anomaly detection with a trained autoencoder: scores, thresholds and their metrics.
//
//   Model model = train(autoencoder("8,2"), normal_rows, TrainOptions().epochs(50).scale("zscore"));
//   model.set_threshold(normal_rows, "contamination:0.05");   // PyOD's rule
//   at::Tensor scores = model.score(new_rows);                // one per row, higher = stranger
//   at::Tensor flagged = model.is_outlier(new_rows);          // scores > threshold
//   double auc = roc_auc(scores, truth);                      // truth: 1 = outlier
//
// A row's score is its reconstruction error under the model's loss, on the scaled data
// the loss sees in training (the mean over the row's values for mse, mae, bce, ...; the
// row's value for a loss of whole samples). A robust learner is scored with its named
// loss (mse by default): the correntropy kernel saturates for large errors, so every
// strong outlier would tie. A variational model is scored with the reconstruction of its
// posterior mean, or with the negative ELBO (ScoreOptions().kind("elbo")), a Monte Carlo
// estimate over `samples` draws from the global LibTorch generator (torch::manual_seed
// makes it repeatable).
//
// Threshold rules, as text ("contamination:0.1") so that the CLI, R and the model file
// read the same:
//   contamination:C  the (1 - C) quantile of the scores (PyOD: C is the expected share of
//                    outliers in the data the threshold is set on), 0 < C <= 0.5
//   fpr:F            the (1 - F) quantile of the scores of held-out normal data (alibi-
//                    detect): F of such rows are flagged, 0 < F < 1
//   mad:K            median + K * 1.4826 * MAD, the median absolute deviation scaled to
//                    estimate a normal standard deviation (1.4826 = 1 / qnorm(3/4), as
//                    scipy's median_abs_deviation(scale="normal") and R's mad()), K > 0
//   iqr:K            Q3 + K * (Q3 - Q1), Tukey's fence, K >= 0
//   a number         that value
// Quantiles interpolate linearly between order statistics (NumPy's default, R's type 7).
// A row is an outlier when its score is strictly above the threshold (PyOD's rule).
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <string>

namespace hourglass {

struct ScoreOptions {
  /// "reconstruction" (every model) or "elbo" (variational models: the negative ELBO,
  /// the reconstruction loss summed over the row's values plus beta times the KL term).
  TORCH_ARG(std::string, kind) = "reconstruction";
  /// Draws per row for "elbo".
  TORCH_ARG(int64_t, samples) = 16;
};

/// A threshold on a model's scores, kept in its model file.
struct Threshold {
  double value = 0;
  /// The rule that set it, e.g. "contamination:0.1" or "2.5".
  std::string rule;
  /// The score it applies to ("reconstruction" or "elbo") and, for "elbo", its draws.
  std::string score = "reconstruction";
  int64_t samples = 16;
  /// The rows whose scores set it (0 for a given number).
  int64_t rows = 0;
};

/// The threshold `rule` (see above) gives on these scores (a vector, finite). Throws
/// InvalidArgument for an unknown or malformed rule or a parameter out of range.
double threshold_from_scores(const at::Tensor& scores, const std::string& rule);

/// Throws InvalidArgument unless `rule` is a valid threshold rule; needs no scores.
void check_threshold_rule(const std::string& rule);

/// The q-quantile (0 <= q <= 1) of a vector, interpolated linearly (NumPy's default).
double score_quantile(const at::Tensor& values, double q);

/// Area under the ROC curve of `scores` (higher = more anomalous) against `is_outlier`
/// (a vector of 0/1 or bool): the probability that a random outlier scores above a
/// random inlier, ties counting one half (Mann-Whitney). Throws InvalidArgument unless
/// both classes occur.
double roc_auc(const at::Tensor& scores, const at::Tensor& is_outlier);

/// Average precision, scikit-learn's: the sum over distinct score thresholds, from the
/// highest, of (recall gained) x (precision there); rows tied in score enter together.
double average_precision(const at::Tensor& scores, const at::Tensor& is_outlier);

/// Counts of a 0/1 prediction against the truth, and the rates people quote.
struct Confusion {
  int64_t true_positives = 0, false_positives = 0, true_negatives = 0, false_negatives = 0;
  /// 0 where the denominator is 0 (scikit-learn's zero_division=0).
  double precision() const;
  double recall() const;
  double f1() const;
};
Confusion confusion(const at::Tensor& predicted, const at::Tensor& is_outlier);

}  // namespace hourglass
