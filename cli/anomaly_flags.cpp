// The flag groups of anomaly detection, declared in common.hpp.
#include <iostream>

#include "common.hpp"
#include "hourglass/model/anomaly.hpp"

namespace hourglass::cli {

void ScoreFlags::add(CLI::App& command) {
  command.add_option("--score", kind,
                     "reconstruction (default), or elbo for a variational model (the negative ELBO); by default "
                     "the score the model's threshold was set on");
  command.add_option("--samples", samples, "elbo: draws per row (default 16)")->check(kPositive);
}

ScoreOptions ScoreFlags::resolve(const Model& model) const {
  if (kind.empty() && model.threshold()) {
    return ScoreOptions().kind(model.threshold()->score).samples(model.threshold()->samples);
  }
  return ScoreOptions().kind(kind.empty() ? "reconstruction" : kind).samples(samples);
}

void ThresholdFlags::add(CLI::App& command, bool with_fpr) {
  allow_fpr = with_fpr;
  auto* by_contamination = command.add_option_function<double>(
      "--contamination", [this](double c) { contamination = c; },
      "set the anomaly threshold to the (1 - C) quantile of these rows' scores (PyOD's rule; 0 < C <= 0.5)");
  auto* by_rule =
      command.add_option("--threshold", rule,
                         "anomaly threshold rule: contamination:C, " + std::string(with_fpr ? "fpr:F, " : "") +
                             "mad:K (median + K * 1.4826 * MAD of the scores), iqr:K (Q3 + K * IQR) or a number");
  by_rule->excludes(by_contamination);
  if (with_fpr) {
    auto* by_fpr = command.add_option_function<double>(
        "--fpr", [this](double f) { fpr = f; },
        "set the threshold so that this share of these (held-out normal) rows is flagged: the (1 - F) quantile");
    by_fpr->excludes(by_contamination)->excludes(by_rule);
  }
}

std::string ThresholdFlags::resolve() const {
  std::string text = rule;
  if (contamination) text = "contamination:" + format_number(*contamination);
  if (fpr) text = "fpr:" + format_number(*fpr);
  check_threshold_rule(text);
  if (!allow_fpr && text.rfind("fpr:", 0) == 0) {
    throw InvalidArgument("--threshold " + text +
                          ": the false-positive rate needs held-out normal data; set it after training with "
                          "hourglass threshold MODEL NORMAL_DATA --fpr F -o NEW.hgm");
  }
  return text;
}

void ThresholdFlags::apply(Model& model, const at::Tensor& scores, const ScoreOptions& options, bool quiet) const {
  const std::string text = resolve();
  Threshold threshold;
  threshold.rule = text;
  threshold.score = options.kind();
  threshold.samples = options.samples();
  threshold.value = threshold_from_scores(scores, text);
  threshold.rows = text.find(':') == std::string::npos ? 0 : scores.size(0);
  const auto above = (scores.to(torch::kDouble) > threshold.value).sum().item<int64_t>();
  if (above > 0 && above == scores.size(0)) {
    throw InvalidArgument("the threshold " + format_number(threshold.value) + " (" + text + ") is below all " +
                          std::to_string(above) + " " + options.kind() + " scores of these rows (the lowest is " +
                          format_number(scores.min().item<double>()) +
                          ") and would flag every one; give a higher number or a rule (contamination:C, mad:K)");
  }
  model.set_threshold(threshold);
  if (quiet) return;
  std::cerr << "Threshold " << threshold.value << " (" << text << " on the " << options.kind() << " scores of "
            << scores.size(0) << " rows): " << above << " of them above it\n";
}

}  // namespace hourglass::cli
