#include "hourglass/losses/loss.hpp"

#include <cmath>
#include <utility>

#include "hourglass/error.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
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

// The same losses as ONNX nodes, in the order above (p: prediction, t: target).
using Names = const std::string&;
std::string onnx_difference(OnnxBuilder& onnx, Names p, Names t) { return onnx.node("Sub", {p, t}); }
std::string onnx_squared_error(OnnxBuilder& onnx, Names p, Names t) {
  const auto d = onnx_difference(onnx, p, t);
  return onnx.node("Mul", {d, d});
}
std::string onnx_absolute_error(OnnxBuilder& onnx, Names p, Names t) {
  return onnx.node("Abs", {onnx_difference(onnx, p, t)});
}
std::string onnx_binary_crossentropy(OnnxBuilder& onnx, Names prediction, Names t) {
  const auto p = onnx.node("Clip", {prediction, onnx.scalar(kEpsilon), onnx.scalar(1.0 - kEpsilon)});
  const auto one = onnx.scalar(1.0);
  const auto positive = onnx.node("Mul", {t, onnx.node("Log", {p})});
  const auto negative = onnx.node("Mul", {onnx.node("Sub", {one, t}), onnx.node("Log", {onnx.node("Sub", {one, p})})});
  return onnx.node("Neg", {onnx.node("Add", {positive, negative})});
}
std::string onnx_huber(OnnxBuilder& onnx, Names p, Names t) {
  const auto error = onnx_absolute_error(onnx, p, t);
  const auto quadratic = onnx.node("Mul", {onnx.node("Mul", {error, error}), onnx.scalar(0.5)});
  const auto linear = onnx.node("Sub", {error, onnx.scalar(0.5)});
  return onnx.node("Where", {onnx.node("LessOrEqual", {error, onnx.scalar(1.0)}), quadratic, linear});
}
// softplus(y) = max(y, 0) + log(1 + exp(-|y|)), which does not overflow either.
std::string onnx_log_cosh(OnnxBuilder& onnx, Names p, Names t) {
  const auto x = onnx_difference(onnx, p, t);
  const auto y = onnx.node("Mul", {x, onnx.scalar(-2.0)});
  const auto tail = onnx.node(
      "Log", {onnx.node("Add", {onnx.scalar(1.0), onnx.node("Exp", {onnx.node("Neg", {onnx.node("Abs", {y})})})})});
  const auto softplus = onnx.node("Add", {onnx.node("Relu", {y}), tail});
  return onnx.node("Sub", {onnx.node("Add", {x, softplus}), onnx.scalar(std::log(2.0))});
}
std::string onnx_absolute_percentage_error(OnnxBuilder& onnx, Names p, Names t) {
  const auto denominator = onnx.node("Max", {onnx.node("Abs", {t}), onnx.scalar(kEpsilon)});
  const auto ratio = onnx.node("Div", {onnx.node("Sub", {t, p}), denominator});
  return onnx.node("Mul", {onnx.node("Abs", {ratio}), onnx.scalar(100.0)});
}
std::string onnx_squared_logarithmic_error(OnnxBuilder& onnx, Names p, Names t) {
  const auto log1p = [&](Names x) {
    return onnx.node("Log", {onnx.node("Add", {onnx.node("Max", {x, onnx.scalar(kEpsilon)}), onnx.scalar(1.0)})});
  };
  const auto d = onnx.node("Sub", {log1p(p), log1p(t)});
  return onnx.node("Mul", {d, d});
}
std::string onnx_poisson(OnnxBuilder& onnx, Names p, Names t) {
  return onnx.node("Sub", {p, onnx.node("Mul", {t, onnx.node("Log", {onnx.node("Add", {p, onnx.scalar(kEpsilon)})})})});
}
std::string onnx_row_sum(OnnxBuilder& onnx, Names x, int64_t keepdims = 0) {
  return onnx.node("ReduceSum", {x, onnx.int64s({1})}, {{"keepdims", keepdims}});
}
std::string onnx_kl_divergence(OnnxBuilder& onnx, Names prediction, Names target) {
  const auto clip = [&](Names x) { return onnx.node("Clip", {x, onnx.scalar(kEpsilon), onnx.scalar(1.0)}); };
  const auto t = clip(target), p = clip(prediction);
  return onnx_row_sum(onnx, onnx.node("Mul", {t, onnx.node("Log", {onnx.node("Div", {t, p})})}));
}
std::string onnx_cosine_similarity(OnnxBuilder& onnx, Names p, Names t) {
  const auto unit = [&](Names x) {
    const auto norm2 = onnx_row_sum(onnx, onnx.node("Mul", {x, x}), 1);
    return onnx.node("Div", {x, onnx.node("Sqrt", {onnx.node("Max", {norm2, onnx.scalar(1e-12)})})});
  };
  return onnx.node("Neg", {onnx_row_sum(onnx, onnx.node("Mul", {unit(t), unit(p)}))});
}
std::string onnx_categorical_crossentropy(OnnxBuilder& onnx, Names p, Names t) {
  const auto normalised = onnx.node("Div", {p, onnx_row_sum(onnx, p, 1)});
  const auto q = onnx.node("Clip", {normalised, onnx.scalar(kEpsilon), onnx.scalar(1.0 - kEpsilon)});
  return onnx.node("Neg", {onnx_row_sum(onnx, onnx.node("Mul", {t, onnx.node("Log", {q})}))});
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

using OnnxLoss = std::string (*)(OnnxBuilder&, Names, Names);

template <CellLoss cells>
LossDefinition by_cell(OnnxLoss onnx = nullptr) {
  return {mean_of_cells<cells>, cells_per_row<cells>, cells, onnx};
}
template <RowLoss rows>
LossDefinition by_row(OnnxLoss onnx = nullptr) {
  return {mean_of_rows<rows>, rows, nullptr, onnx};
}

// Keras's binary_accuracy: the prediction rounded at 0.5, the target compared as it is.
at::Tensor binary_accuracy_cells(const at::Tensor& p, const at::Tensor& t) {
  return (p > 0.5).to(p.scalar_type()).eq(t).to(p.scalar_type());
}

// The losses, in the order messages list them, with Keras's other names.
Registry<LossDefinition> builtin_losses() {
  Registry<LossDefinition> r("loss");
  r.add("mse", by_cell<squared_error>(onnx_squared_error), {"mean_squared_error"});
  r.add("mae", by_cell<absolute_error>(onnx_absolute_error), {"mean_absolute_error"});
  r.add("bce", by_cell<binary_crossentropy>(onnx_binary_crossentropy), {"binary_crossentropy"});
  r.add("huber", by_cell<huber>(onnx_huber), {"huber_loss"});
  r.add("log_cosh", by_cell<log_cosh>(onnx_log_cosh), {"logcosh"});
  r.add("mape", by_cell<absolute_percentage_error>(onnx_absolute_percentage_error), {"mean_absolute_percentage_error"});
  r.add("msle", by_cell<squared_logarithmic_error>(onnx_squared_logarithmic_error), {"mean_squared_logarithmic_error"});
  r.add("poisson", by_cell<poisson>(onnx_poisson));
  r.add("kl_divergence", by_row<kl_divergence>(onnx_kl_divergence), {"kullback_leibler_divergence", "kld", "kl"});
  r.add("cosine_similarity", by_row<cosine_similarity>(onnx_cosine_similarity));
  r.add("categorical_crossentropy", by_row<categorical_crossentropy>(onnx_categorical_crossentropy));
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

ResolvedLoss::ResolvedLoss(std::string name) : name_(std::move(name)), definition_(&losses().at(name_)) {}

CellLoss ResolvedLoss::table_cells() const {
  if (!definition_->cells) {
    throw InvalidArgument("the loss " + name_ +
                          " compares whole rows, but a table with categorical columns or missing cells is compared "
                          "cell by cell; use a loss of single values (mse, mae, bce, huber, ...)");
  }
  return definition_->cells;
}

LossFunction loss_function(const std::string& name) { return losses().at(name).mean; }

const std::vector<std::string>& loss_names() {
  static const auto names = losses().all_names();
  return names;
}

RowLossFunction row_loss_function(const std::string& name) { return losses().at(name).rows; }

std::string onnx_row_loss(OnnxBuilder& onnx, const std::string& name, const std::string& p, const std::string& t) {
  const LossDefinition& loss = losses().at(name);
  if (!loss.onnx) {
    std::vector<std::string> exportable;
    for (const auto& [other, definition] : losses().entries()) {
      if (definition->onnx) exportable.push_back(other);
    }
    throw InvalidArgument("the loss '" + name +
                          "' has no ONNX form, so a scorer cannot be exported (losses with one: " + join(exportable) +
                          ")");
  }
  const auto values = loss.onnx(onnx, p, t);
  if (!loss.cells) return values;
  return onnx.node("ReduceMean", {values}, {{"axes", std::vector<int64_t>{1}}, {"keepdims", int64_t{0}}});
}

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
