#include "hourglass/losses/loss.hpp"

#include <cmath>
#include <utility>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

// Keras's backend epsilon, used to keep log() finite.
constexpr double kEpsilon = 1e-7;

at::Tensor mean_squared_error(const at::Tensor& prediction, const at::Tensor& target) {
  return (prediction - target).square().mean();
}

at::Tensor mean_absolute_error(const at::Tensor& prediction, const at::Tensor& target) {
  return (prediction - target).abs().mean();
}

at::Tensor binary_crossentropy(const at::Tensor& prediction, const at::Tensor& target) {
  const auto p = prediction.clamp(kEpsilon, 1.0 - kEpsilon);
  return -(target * p.log() + (1 - target) * (1 - p).log()).mean();
}

// Keras's kullback_leibler_divergence: both sides clipped to [epsilon, 1], summed over a
// sample's values, averaged over the rows.
at::Tensor kullback_leibler_divergence(const at::Tensor& prediction, const at::Tensor& target) {
  const auto p = target.clamp(kEpsilon, 1.0);
  const auto q = prediction.clamp(kEpsilon, 1.0);
  const auto cells = p * (p / q).log();
  return cells.dim() > 1 ? cells.flatten(1).sum(1).mean() : cells.sum();
}

at::Tensor binary_accuracy(const at::Tensor& prediction, const at::Tensor& target) {
  return (prediction > 0.5).eq(target > 0.5).to(prediction.scalar_type()).mean();
}

using Entry = std::pair<std::string, LossFunction>;

const std::vector<Entry>& losses() {
  // The short names first (they are what the CLI shows), then Keras's long ones, which
  // ruta's R code uses.
  static const std::vector<Entry> table = {{"mse", mean_squared_error},
                                           {"mae", mean_absolute_error},
                                           {"bce", binary_crossentropy},
                                           {"mean_squared_error", mean_squared_error},
                                           {"mean_absolute_error", mean_absolute_error},
                                           {"binary_crossentropy", binary_crossentropy}};
  return table;
}

const std::vector<Entry>& metrics() {
  static const std::vector<Entry> table = [] {
    auto all = losses();
    all.emplace_back("binary_accuracy", binary_accuracy);
    all.emplace_back("kl", kullback_leibler_divergence);
    all.emplace_back("kullback_leibler_divergence", kullback_leibler_divergence);
    return all;
  }();
  return table;
}

std::vector<std::string> names_of(const std::vector<Entry>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.push_back(entry.first);
  return names;
}

LossFunction find(const std::vector<Entry>& table, const std::string& kind, const std::string& name) {
  for (const auto& [key, fn] : table) {
    if (key == name) return fn;
  }
  throw unknown_name(kind, name, names_of(table));
}

}  // namespace

LossFunction loss_function(const std::string& name) { return find(losses(), "loss", name); }

const std::vector<std::string>& loss_names() {
  static const auto names = names_of(losses());
  return names;
}

at::Tensor correntropy_loss(const at::Tensor& prediction, const at::Tensor& target, double sigma) {
  const double normaliser = 1.0 / (std::sqrt(2.0 * M_PI) * sigma);
  const auto kernel = torch::exp(-(prediction - target).square() / (2.0 * sigma * sigma)) * normaliser;
  const auto per_row = kernel.dim() > 1 ? kernel.flatten(1).sum(1) : kernel;
  return -per_row.mean();
}

LossFunction metric_function(const std::string& name) { return find(metrics(), "metric", name); }

const std::vector<std::string>& metric_names() {
  static const auto names = names_of(metrics());
  return names;
}

}  // namespace hourglass
