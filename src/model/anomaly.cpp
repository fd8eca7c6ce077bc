#include "hourglass/model/anomaly.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/runtime.hpp"
#include "losses/losses.hpp"
#include "model/inputs.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "nn/variational.hpp"

namespace hourglass {
namespace {

// 1 / qnorm(3/4): the MAD of normal data times this estimates its standard deviation.
constexpr double kMadToStandardDeviation = 1.482602218505602;

// The scores as doubles, sorted ascending; refuses what no threshold can be set on.
std::vector<double> sorted_scores(const at::Tensor& scores, const char* what) {
  if (!scores.defined() || scores.dim() != 1 || scores.size(0) == 0) {
    throw InvalidArgument(std::string(what) + ": expected a non-empty vector of scores");
  }
  const auto values = scores.to(torch::kDouble).contiguous();
  std::vector<double> sorted(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
  for (double v : sorted) {
    if (!std::isfinite(v)) {
      throw InvalidArgument(std::string(what) + ": a score is " + format_number(v) +
                            "; the data must give finite reconstruction errors");
    }
  }
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
  if (below + 1 >= sorted.size()) return sorted.back();
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[below + 1] - sorted[below]);
}

struct Rule {
  std::string name;  // contamination, fpr, mad, iqr, or value
  double parameter = 0;
};

const char* const kRuleHelp =
    "expected contamination:C (0 < C <= 0.5), fpr:F (0 < F < 1), mad:K (K > 0), iqr:K (K >= 0) or a number";

Rule parse_rule(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return InvalidArgument("threshold rule '" + text + "': " + why + "; " + kRuleHelp);
  };
  const auto number = [&](const std::string& digits) {
    char* end = nullptr;
    const double value = digits.empty() ? NAN : std::strtod(digits.c_str(), &end);
    if (digits.empty() || end != digits.c_str() + digits.size() || !std::isfinite(value)) {
      throw bad("'" + digits + "' is not a finite number");
    }
    return value;
  };
  const auto colon = text.find(':');
  if (colon == std::string::npos) return {"value", number(text)};
  Rule rule{text.substr(0, colon), number(text.substr(colon + 1))};
  const double p = rule.parameter;
  if (rule.name == "contamination") {
    if (!(p > 0 && p <= 0.5)) throw bad("the contamination must be in (0, 0.5]");
  } else if (rule.name == "fpr") {
    if (!(p > 0 && p < 1)) throw bad("the false-positive rate must be in (0, 1)");
  } else if (rule.name == "mad") {
    if (!(p > 0)) throw bad("K must be positive");
  } else if (rule.name == "iqr") {
    if (!(p >= 0)) throw bad("K must be at least 0");
  } else {
    throw bad("unknown rule '" + rule.name + "'");
  }
  return rule;
}

at::Tensor as_outlier_flags(const at::Tensor& is_outlier, int64_t rows, const char* what) {
  if (!is_outlier.defined() || is_outlier.dim() != 1 || is_outlier.size(0) != rows) {
    throw InvalidArgument(std::string(what) + ": expected one 0/1 truth value per score (" + std::to_string(rows) +
                          ")");
  }
  const auto flags = is_outlier.to(torch::kDouble);
  if (!torch::logical_or(flags == 0, flags == 1).all().item<bool>()) {
    throw InvalidArgument(std::string(what) + ": the truth must be 0 (inlier) or 1 (outlier)");
  }
  return flags.to(torch::kBool);
}

// Scores and truth sorted by descending score, with both classes present.
struct Ranked {
  std::vector<double> scores;
  std::vector<bool> outlier;
  int64_t outliers = 0, inliers = 0;
};

Ranked ranked(const at::Tensor& scores, const at::Tensor& is_outlier, const char* what) {
  if (!scores.defined() || scores.dim() != 1)
    throw InvalidArgument(std::string(what) + ": expected a vector of scores");
  const auto truth = as_outlier_flags(is_outlier, scores.size(0), what);
  const auto values = scores.to(torch::kDouble);
  if (!torch::isfinite(values).all().item<bool>()) throw InvalidArgument(std::string(what) + ": a score is not finite");
  const auto order = torch::argsort(values, /*dim=*/0, /*descending=*/true);
  const auto sorted = values.index_select(0, order).contiguous();
  const auto flags = truth.index_select(0, order).contiguous();
  Ranked out;
  out.scores.assign(sorted.data_ptr<double>(), sorted.data_ptr<double>() + sorted.numel());
  const bool* flag = flags.data_ptr<bool>();
  for (int64_t i = 0; i < flags.numel(); ++i) {
    out.outlier.push_back(flag[i]);
    ++(flag[i] ? out.outliers : out.inliers);
  }
  if (out.outliers == 0 || out.inliers == 0) {
    throw InvalidArgument(std::string(what) + ": needs both outliers and inliers in the truth, got " +
                          std::to_string(out.outliers) + " outliers and " + std::to_string(out.inliers) + " inliers");
  }
  return out;
}

}  // namespace

double score_quantile(const at::Tensor& values, double q) {
  if (!(q >= 0 && q <= 1)) throw InvalidArgument("score_quantile: q must be in [0, 1], got " + format_number(q));
  return quantile_of_sorted(sorted_scores(values, "quantile"), q);
}

void check_threshold_rule(const std::string& rule) { parse_rule(rule); }

double threshold_from_scores(const at::Tensor& scores, const std::string& text) {
  const Rule rule = parse_rule(text);
  if (rule.name == "value") return rule.parameter;
  const auto sorted = sorted_scores(scores, "threshold");
  if (rule.name == "contamination" || rule.name == "fpr") return quantile_of_sorted(sorted, 1 - rule.parameter);
  if (rule.name == "iqr") {
    const double q1 = quantile_of_sorted(sorted, 0.25), q3 = quantile_of_sorted(sorted, 0.75);
    return q3 + rule.parameter * (q3 - q1);
  }
  const double median = quantile_of_sorted(sorted, 0.5);
  std::vector<double> deviations;
  deviations.reserve(sorted.size());
  for (double v : sorted) deviations.push_back(std::abs(v - median));
  std::sort(deviations.begin(), deviations.end());
  return median + rule.parameter * kMadToStandardDeviation * quantile_of_sorted(deviations, 0.5);
}

double roc_auc(const at::Tensor& scores, const at::Tensor& is_outlier) {
  const Ranked r = ranked(scores, is_outlier, "roc_auc");
  // Mann-Whitney: for each outlier, the inliers below it, ties counting one half.
  double pairs = 0;
  int64_t inliers_above = 0;
  for (size_t first = 0; first < r.scores.size();) {
    size_t last = first;
    int64_t tied_outliers = 0, tied_inliers = 0;
    for (; last < r.scores.size() && r.scores[last] == r.scores[first]; ++last)
      ++(r.outlier[last] ? tied_outliers : tied_inliers);
    const int64_t inliers_below = r.inliers - inliers_above - tied_inliers;
    pairs += static_cast<double>(tied_outliers) * (static_cast<double>(inliers_below) + 0.5 * tied_inliers);
    inliers_above += tied_inliers;
    first = last;
  }
  return pairs / (static_cast<double>(r.outliers) * static_cast<double>(r.inliers));
}

double average_precision(const at::Tensor& scores, const at::Tensor& is_outlier) {
  const Ranked r = ranked(scores, is_outlier, "average_precision");
  double sum = 0;
  int64_t flagged = 0, caught = 0;
  for (size_t first = 0; first < r.scores.size();) {
    size_t last = first;
    int64_t new_outliers = 0;
    for (; last < r.scores.size() && r.scores[last] == r.scores[first]; ++last) new_outliers += r.outlier[last];
    flagged += static_cast<int64_t>(last - first);
    caught += new_outliers;
    sum += static_cast<double>(new_outliers) * static_cast<double>(caught) / static_cast<double>(flagged);
    first = last;
  }
  return sum / static_cast<double>(r.outliers);  // divided once: a perfect ranking gives exactly 1
}

Confusion confusion(const at::Tensor& predicted, const at::Tensor& is_outlier) {
  if (!predicted.defined() || predicted.dim() != 1)
    throw InvalidArgument("confusion: expected a vector of predictions");
  const auto guess = as_outlier_flags(predicted, predicted.size(0), "confusion");
  const auto truth = as_outlier_flags(is_outlier, predicted.size(0), "confusion");
  Confusion c;
  c.true_positives = (guess & truth).sum().item<int64_t>();
  c.false_positives = (guess & ~truth).sum().item<int64_t>();
  c.false_negatives = (~guess & truth).sum().item<int64_t>();
  c.true_negatives = (~guess & ~truth).sum().item<int64_t>();
  return c;
}

double Confusion::precision() const {
  const int64_t flagged = true_positives + false_positives;
  return flagged ? static_cast<double>(true_positives) / static_cast<double>(flagged) : 0.0;
}

double Confusion::recall() const {
  const int64_t outliers = true_positives + false_negatives;
  return outliers ? static_cast<double>(true_positives) / static_cast<double>(outliers) : 0.0;
}

double Confusion::f1() const {
  const int64_t denominator = 2 * true_positives + false_positives + false_negatives;
  return denominator ? 2.0 * static_cast<double>(true_positives) / static_cast<double>(denominator) : 0.0;
}

// ---- Model's scores --------------------------------------------------------------

namespace {

// The loss a model is scored with: its named loss (a robust learner's too).
ResolvedLoss score_loss(const Model& model) { return ResolvedLoss(model.learner().loss); }

void check_score_options(const Model& model, const ScoreOptions& options) {
  if (options.kind() == "elbo") {
    if (!ModelAccess::impl(model).net->is_variational()) {
      throw InvalidArgument("score: the elbo score needs a variational model; this one is " +
                            join(model.learner().types()) + " (use the reconstruction score)");
    }
    if (options.samples() < 1) {
      throw InvalidArgument("score: elbo needs at least 1 sample per row, got " + std::to_string(options.samples()));
    }
  } else if (options.kind() != "reconstruction") {
    throw InvalidArgument("score: unknown score '" + options.kind() + "' (valid: reconstruction, elbo)");
  }
}

}  // namespace

at::Tensor Model::score(const at::Tensor& data, const ScoreOptions& options) const {
  init_runtime();
  check_score_options(*this, options);
  auto& model = impl();
  const auto rows = checked_input(data, sample_shape(), "score");
  const ResolvedLoss loss = score_loss(*this);
  if (options.kind() == "reconstruction") {
    return in_chunks(rows, [&](const at::Tensor& chunk) {
      const auto target = model.coding.target(chunk);
      const auto input = model.coding.fill(target);
      const bool table = model.coding.needs_column_losses(target);
      return model.mean_over_networks([&](nn::AutoencoderNet& net) {
        const auto prediction = net->forward(input);
        if (!table) return loss->rows(prediction, target);
        // The mean over the row's present cells (a categorical column counts once).
        return model.coding.column_losses(prediction, target, loss.table_cells()).row_scores();
      });
    });
  }
  // The negative ELBO as training's objective has it, per row: the reconstruction loss
  // summed over the row's values for a loss of cells, plus beta times the KL term.
  const double beta = learner().variational ? learner().variational->beta : 1.0;
  const auto values = static_cast<double>(coding().width());
  return in_chunks(rows, [&](const at::Tensor& chunk) {
    const auto target = model.coding.target(chunk);
    const bool table = model.coding.needs_column_losses(target);
    const auto input = model.coding.fill(target);
    return model.mean_over_networks([&](nn::AutoencoderNet& net) {
      const auto q = net->posterior(input);
      auto reconstruction = torch::zeros({chunk.size(0)}, torch::kDouble);
      for (int64_t draw = 0; draw < options.samples(); ++draw) {
        const auto decoded = net->decode(net->variational()->sample(q));
        if (table) {
          reconstruction +=
              model.coding.column_losses(decoded, target, loss.table_cells()).values.sum(1).to(torch::kDouble);
          continue;
        }
        const auto per_row = loss->rows(decoded, target).to(torch::kDouble);
        reconstruction += loss->cells ? per_row * values : per_row;
      }
      reconstruction /= static_cast<double>(options.samples());
      return (reconstruction + beta * nn::kl_to_standard_normal(q).to(torch::kDouble)).to(torch::kFloat);
    });
  });
}

at::Tensor Model::score_per_feature(const at::Tensor& data) const {
  init_runtime();
  const ResolvedLoss loss = score_loss(*this);
  if (!loss->cells) {
    throw InvalidArgument("score: per-feature shares need a loss of single values (mse, mae, bce, ...); " +
                          learner().loss + " is a loss of whole rows");
  }
  auto& model = impl();
  const auto rows = checked_input(data, sample_shape(), "score");
  // A table's shares are per column (a categorical column's whole cross-entropy), over
  // the row's present cells; a missing cell's share is 0.
  return in_chunks(rows, [&](const at::Tensor& chunk) {
    const auto target = model.coding.target(chunk);
    const auto input = model.coding.fill(target);
    return model.mean_over_networks([&](nn::AutoencoderNet& net) {
      return model.coding.column_losses(net->forward(input), target, loss->cells).shares();
    });
  });
}

const Threshold& Model::set_threshold(const at::Tensor& data, const std::string& rule, const ScoreOptions& options) {
  check_threshold_rule(rule);
  check_score_options(*this, options);
  Threshold threshold;
  threshold.rule = rule;
  threshold.score = options.kind();
  threshold.samples = options.samples();
  if (rule.find(':') == std::string::npos) {
    threshold.value = threshold_from_scores(at::Tensor(), rule);  // a number needs no scores
  } else {
    if (!data.defined() || data.numel() == 0) {
      throw InvalidArgument("set_threshold: the rule '" + rule +
                            "' is read from the scores of data: give the rows it should hold for (e.g. the "
                            "training data), or a threshold value instead of a rule");
    }
    const auto scores = score(data, options);
    threshold.value = threshold_from_scores(scores, rule);
    threshold.rows = scores.size(0);
  }
  set_threshold(threshold);
  return *impl_->threshold;
}

void Model::set_threshold(const Threshold& threshold) {
  if (!std::isfinite(threshold.value)) {
    throw InvalidArgument("set_threshold: the value must be finite, got " + format_number(threshold.value));
  }
  check_score_options(*this, ScoreOptions().kind(threshold.score).samples(threshold.samples));
  // The weights stay shared; the threshold is this model's own, so copies keep theirs.
  auto changed = std::make_shared<Impl>(impl());
  changed->threshold = threshold;
  impl_ = std::move(changed);
}

void Model::clear_threshold() {
  if (!impl().threshold) return;
  auto changed = std::make_shared<Impl>(impl());
  changed->threshold.reset();
  impl_ = std::move(changed);
}

const std::optional<Threshold>& Model::threshold() const { return impl().threshold; }

at::Tensor Model::is_outlier(const at::Tensor& data) const {
  const auto& threshold = impl().threshold;
  if (!threshold) {
    throw InvalidArgument(
        "is_outlier: this model has no threshold; set one with set_threshold(data, \"contamination:0.1\") "
        "(hourglass threshold MODEL DATA --contamination 0.1 -o NEW.hgm)");
  }
  // In double: a float comparison would round the threshold onto a neighbouring score.
  const auto scores = score(data, ScoreOptions().kind(threshold->score).samples(threshold->samples));
  return scores.to(torch::kDouble) > threshold->value;
}

}  // namespace hourglass
