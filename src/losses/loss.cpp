#include "hourglass/losses/loss.hpp"

#include <cmath>
#include <utility>

#include "hourglass/error.hpp"
#include "hourglass/registry.hpp"
#include "losses/losses.hpp"

namespace hourglass {
namespace {

// Keras's backend epsilon, used to keep log() and divisions finite.
constexpr double kEpsilon = 1e-7;

at::Tensor as_rows(const at::Tensor& x) { return x.dim() > 1 ? x.flatten(1) : x.unsqueeze(0); }

// Losses of one cell each: the loss is their mean, as Keras's mean over the last axis
// and then over the batch.
at::Tensor squared_error(const at::Tensor& p, const at::Tensor& t) { return (p - t).square(); }
at::Tensor absolute_error(const at::Tensor& p, const at::Tensor& t) { return (p - t).abs(); }
at::Tensor binary_crossentropy(const at::Tensor& prediction, const at::Tensor& t) {
  const auto p = prediction.clamp(kEpsilon, 1.0 - kEpsilon);
  return -(t * p.log() + (1 - t) * (1 - p).log());
}
// Keras's default delta of 1: quadratic within it, linear beyond.
at::Tensor huber(const at::Tensor& p, const at::Tensor& t) {
  const auto error = (p - t).abs();
  return torch::where(error <= 1.0, 0.5 * error.square(), error - 0.5);
}
// log(cosh(x)) = x + softplus(-2x) - log 2, which does not overflow for large x.
at::Tensor log_cosh(const at::Tensor& p, const at::Tensor& t) {
  const auto x = p - t;
  return x + torch::softplus(-2.0 * x) - std::log(2.0);
}
at::Tensor absolute_percentage_error(const at::Tensor& p, const at::Tensor& t) {
  return 100.0 * ((t - p) / t.abs().clamp_min(kEpsilon)).abs();
}
at::Tensor squared_logarithmic_error(const at::Tensor& p, const at::Tensor& t) {
  return (torch::log1p(p.clamp_min(kEpsilon)) - torch::log1p(t.clamp_min(kEpsilon))).square();
}
at::Tensor poisson(const at::Tensor& p, const at::Tensor& t) { return p - t * (p + kEpsilon).log(); }

// Losses of a whole sample: the loss is their mean over rows.
// Keras's kullback_leibler_divergence: both sides clipped to [epsilon, 1], summed.
at::Tensor kl_divergence(const at::Tensor& prediction, const at::Tensor& target) {
  const auto t = as_rows(target).clamp(kEpsilon, 1.0), p = as_rows(prediction).clamp(kEpsilon, 1.0);
  return (t * (t / p).log()).sum(1);
}
// Keras's loss: minus the cosine of the two vectors (-1 when they point the same way).
at::Tensor cosine_similarity(const at::Tensor& prediction, const at::Tensor& target) {
  const auto unit = [](const at::Tensor& x) { return x / x.square().sum(1, true).clamp_min(1e-12).sqrt(); };
  return -(unit(as_rows(target)) * unit(as_rows(prediction))).sum(1);
}
// Keras's: the prediction normalised to sum 1 and clipped, then -sum t log p.
at::Tensor categorical_crossentropy(const at::Tensor& prediction, const at::Tensor& target) {
  const auto p = as_rows(prediction);
  const auto q = (p / p.sum(1, true)).clamp(kEpsilon, 1.0 - kEpsilon);
  return -(as_rows(target) * q.log()).sum(1);
}

template <CellLoss cells>
at::Tensor mean_of_cells(const at::Tensor& p, const at::Tensor& t) {
  return cells(p, t).mean();
}
template <CellLoss cells>
at::Tensor cells_per_row(const at::Tensor& p, const at::Tensor& t) {
  return as_rows(cells(p, t)).mean(1);
}
template <RowLoss rows>
at::Tensor mean_of_rows(const at::Tensor& p, const at::Tensor& t) {
  return rows(p, t).mean();
}

template <CellLoss cells>
LossDefinition by_cell() {
  return {mean_of_cells<cells>, cells_per_row<cells>, cells};
}
template <RowLoss rows>
LossDefinition by_row() {
  return {mean_of_rows<rows>, rows, nullptr};
}

// Keras's binary_accuracy: the prediction rounded at 0.5, the target compared as it is.
at::Tensor binary_accuracy_cells(const at::Tensor& p, const at::Tensor& t) {
  return (p > 0.5).to(p.scalar_type()).eq(t).to(p.scalar_type());
}

// The losses, in the order messages list them, with Keras's other names.
Registry<LossDefinition> builtin_losses() {
  Registry<LossDefinition> r("loss");
  r.add("mse", by_cell<squared_error>(), {"mean_squared_error"});
  r.add("mae", by_cell<absolute_error>(), {"mean_absolute_error"});
  r.add("bce", by_cell<binary_crossentropy>(), {"binary_crossentropy"});
  r.add("huber", by_cell<huber>(), {"huber_loss"});
  r.add("log_cosh", by_cell<log_cosh>(), {"logcosh"});
  r.add("mape", by_cell<absolute_percentage_error>(), {"mean_absolute_percentage_error"});
  r.add("msle", by_cell<squared_logarithmic_error>(), {"mean_squared_logarithmic_error"});
  r.add("poisson", by_cell<poisson>());
  r.add("kl_divergence", by_row<kl_divergence>(), {"kullback_leibler_divergence", "kld", "kl"});
  r.add("cosine_similarity", by_row<cosine_similarity>());
  r.add("categorical_crossentropy", by_row<categorical_crossentropy>());
  return r;
}

Registry<LossDefinition> builtin_metrics() {
  Registry<LossDefinition> r("metric");
  for (const auto& [name, definition] : losses().entries()) {
    std::vector<std::string> aliases;
    for (const auto& alias : losses().all_names()) {
      if (alias != name && losses().canonical(alias) == name) aliases.push_back(alias);
    }
    r.add(name, *definition, aliases);
  }
  r.add("binary_accuracy", by_cell<binary_accuracy_cells>());
  return r;
}

}  // namespace

const Registry<LossDefinition>& losses() {
  static const Registry<LossDefinition> registry = builtin_losses();
  return registry;
}

const Registry<LossDefinition>& metrics() {
  static const Registry<LossDefinition> registry = builtin_metrics();
  return registry;
}

LossFunction loss_function(const std::string& name) { return losses().at(name).mean; }

const std::vector<std::string>& loss_names() {
  static const auto names = losses().all_names();
  return names;
}

RowLossFunction row_loss_function(const std::string& name) { return losses().at(name).rows; }

at::Tensor correntropy_loss(const at::Tensor& prediction, const at::Tensor& target, double sigma) {
  const double normaliser = 1.0 / (std::sqrt(2.0 * M_PI) * sigma);
  const auto kernel = torch::exp(-(prediction - target).square() / (2.0 * sigma * sigma)) * normaliser;
  const auto per_row = kernel.dim() > 1 ? kernel.flatten(1).sum(1) : kernel;
  return -per_row.mean();
}

LossFunction metric_function(const std::string& name) { return metrics().at(name).mean; }

const std::vector<std::string>& metric_names() {
  static const auto names = metrics().all_names();
  return names;
}

}  // namespace hourglass
