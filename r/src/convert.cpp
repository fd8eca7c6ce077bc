#include "convert.h"

#include <ATen/ATen.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "hourglass/error.hpp"
#include "hourglass/network/layer_kind.hpp"

namespace hourglass::r {
namespace {

bool has(const Rcpp::List& list, const char* name) { return list.containsElementNamed(name) && !Rf_isNull(list[name]); }

template <typename T>
T get(const Rcpp::List& list, const char* name, T fallback) {
  return has(list, name) ? Rcpp::as<T>(list[name]) : fallback;
}

// The R dimensions (n, ...) of a tensor, and the permutation of the tensor whose
// row-major order is R's column-major order for them.
struct Layout {
  std::vector<int64_t> r_dims;
  std::vector<int64_t> to_r_order;
};

Layout layout_of(const at::Tensor& t) {
  switch (t.dim()) {
    case 2:
      return {{t.size(0), t.size(1)}, {1, 0}};
    case 3:
      return {{t.size(0), t.size(2), t.size(1)}, {1, 2, 0}};
    case 4:
      return {{t.size(0), t.size(2), t.size(3), t.size(1)}, {1, 3, 2, 0}};
    default:
      return {{t.size(0)}, {0}};
  }
}

// An R value as the argument a layer kind's parameter takes; the kind's own check comes
// after (Layer's constructor), so that R gets the library's messages.
ArgumentValue argument_from_r(SEXP value, const Parameter& parameter, const std::string& kind) {
  if (Rf_isNull(value)) return std::monostate{};
  const auto fail = [&](const char* what) {
    return InvalidArgument(kind + "(): " + parameter.name() + " must be " + what);
  };
  switch (parameter.type()) {
    case ArgumentType::integer:
    case ArgumentType::number:
      if ((!Rf_isNumeric(value) && !Rf_isLogical(value)) || Rf_length(value) != 1) throw fail("one number");
      return Rcpp::as<double>(value);  // Layer makes an integer of a whole number
    case ArgumentType::flag:
      if (!Rf_isLogical(value) || Rf_length(value) != 1 || LOGICAL(value)[0] == NA_LOGICAL) throw fail("TRUE or FALSE");
      return LOGICAL(value)[0] == TRUE;
    case ArgumentType::name:
      if (!Rf_isString(value) || Rf_length(value) != 1) throw fail("one name (a character string)");
      return Rcpp::as<std::string>(value);
    case ArgumentType::sizes: {
      if (!Rf_isNumeric(value) || Rf_length(value) < 1) throw fail("positive whole numbers");
      std::vector<int64_t> sizes;
      for (double v : Rcpp::as<std::vector<double>>(value)) {
        if (!(v >= 1 && v <= 1e9) || v != std::floor(v)) throw fail("positive whole numbers");
        sizes.push_back(static_cast<int64_t>(v));
      }
      return sizes;
    }
  }
  return std::monostate{};
}

}  // namespace

SEXP argument_to_r(const ArgumentValue& value) {
  struct ToR {
    SEXP operator()(std::monostate) const { return R_NilValue; }
    SEXP operator()(int64_t v) const { return Rcpp::wrap(static_cast<double>(v)); }
    SEXP operator()(double v) const { return Rcpp::wrap(v); }
    SEXP operator()(bool v) const { return Rcpp::wrap(v); }
    SEXP operator()(const std::string& v) const { return Rcpp::wrap(v); }
    SEXP operator()(const std::vector<int64_t>& v) const { return Rcpp::NumericVector(v.begin(), v.end()); }
  };
  return std::visit(ToR{}, value);
}

SEXP option_value_to_r(const OptionValue& value) {
  struct ToR {
    SEXP operator()(std::monostate) const { return R_NilValue; }
    SEXP operator()(bool v) const { return Rcpp::wrap(v); }
    SEXP operator()(int64_t v) const { return Rcpp::wrap(static_cast<double>(v)); }
    SEXP operator()(double v) const { return Rcpp::wrap(v); }
    SEXP operator()(const std::string& v) const { return Rcpp::wrap(v); }
    SEXP operator()(const std::vector<std::string>& v) const { return Rcpp::wrap(v); }
  };
  return std::visit(ToR{}, value);
}

namespace {

// list(type = "conv", filters = 16, kernel_size = 3, ...): the kind and its arguments
// by the names the kind gives them; a NULL argument takes its default.
Layer layer_from_r(const Rcpp::List& spec) {
  if (!has(spec, "type")) throw InvalidArgument("a layer needs its type, e.g. list(type = \"dense\", units = 2)");
  const std::string kind_name = Rcpp::as<std::string>(spec["type"]);
  const LayerKind& kind = layer_kind(kind_name);
  const Rcpp::CharacterVector names = spec.names();
  Arguments arguments;
  for (R_xlen_t i = 0; i < spec.size(); ++i) {
    const std::string name = Rcpp::as<std::string>(names[i]);
    if (name == "type") continue;
    const Parameter* parameter = kind.parameter(name);
    if (!parameter) {
      std::vector<std::string> valid;
      for (const auto& p : kind.parameters()) valid.push_back(p.name());
      throw InvalidArgument(kind_name + "(): unknown argument '" + name +
                            "' (valid: " + (valid.empty() ? "none" : join(valid)) + ")");
    }
    const ArgumentValue value = argument_from_r(spec[i], *parameter, kind_name);
    if (!std::holds_alternative<std::monostate>(value)) arguments.emplace_back(name, value);
  }
  return Layer(kind_name, arguments);
}

Rcpp::List layer_to_r(const Layer& layer) {
  Rcpp::List spec = Rcpp::List::create(Rcpp::Named("type") = layer.kind_name());
  for (const auto& [name, value] : layer.arguments()) {
    if (!std::holds_alternative<std::monostate>(value)) spec[name] = argument_to_r(value);
  }
  return spec;
}

}  // namespace

at::Tensor tensor_from_r(SEXP values, const char* what) {
  const SEXP dim = Rf_getAttrib(values, R_DimSymbol);
  const int dims = Rf_isNull(dim) ? 0 : Rf_length(dim);
  if (TYPEOF(values) != REALSXP || dims < 2 || dims > 4) {
    throw DataError(std::string(what) +
                    ": expected a numeric matrix (rows are instances) or an array (n, steps, channels) or "
                    "(n, height, width, channels), got " +
                    (dims == 0 ? "a value without dimensions" : std::to_string(dims) + " dimensions") +
                    "; convert with as.matrix() or array()");
  }
  std::vector<int64_t> memory_sizes;  // R's dimensions reversed: its memory read row-major
  for (int i = dims - 1; i >= 0; --i) memory_sizes.push_back(INTEGER(dim)[i]);
  const auto memory = at::from_blob(REAL(values), memory_sizes, at::kDouble);
  const std::vector<std::vector<int64_t>> to_library = {{}, {}, {1, 0}, {2, 0, 1}, {3, 0, 2, 1}};
  return memory.permute(to_library[dims]).to(at::kFloat).contiguous();
}

SEXP tensor_to_r(const at::Tensor& tensor) {
  const auto t = tensor.detach().to(at::kCPU).to(at::kDouble);
  const Layout layout = layout_of(t);
  const auto ordered = t.permute(layout.to_r_order).contiguous();
  Rcpp::NumericVector values(static_cast<R_xlen_t>(ordered.numel()));
  std::memcpy(values.begin(), ordered.data_ptr<double>(), sizeof(double) * ordered.numel());
  if (layout.r_dims.size() > 1) {
    values.attr("dim") = Rcpp::IntegerVector(layout.r_dims.begin(), layout.r_dims.end());
  }
  return values;
}

Network network_from_r(const Rcpp::List& layers) {
  std::vector<Layer> result;
  for (R_xlen_t i = 0; i < layers.size(); ++i) result.push_back(layer_from_r(layers[i]));
  return Network(std::move(result));
}

Rcpp::List network_to_r(const Network& network) {
  Rcpp::List layers(static_cast<R_xlen_t>(network.size()));
  for (size_t i = 0; i < network.size(); ++i) layers[static_cast<R_xlen_t>(i)] = layer_to_r(network[i]);
  return layers;
}

NoiseFilter noise_from_r(const Rcpp::List& noise) {
  return hourglass::noise(Rcpp::as<std::string>(noise["type"]), Rcpp::as<double>(noise["parameter"]));
}

Autoencoder learner_from_r(const Rcpp::List& spec) {
  // The library's constructors and make_* check every parameter and combination.
  Autoencoder learner = autoencoder(network_from_r(spec["layers"]), Rcpp::as<std::string>(spec["loss"]));
  if (has(spec, "correntropy")) learner = make_robust(learner, Rcpp::as<double>(spec["correntropy"]));
  if (has(spec, "sparsity")) {
    const auto sparsity = Rcpp::as<std::vector<double>>(spec["sparsity"]);
    learner = make_sparse(learner, sparsity.at(0), sparsity.at(1));
  }
  if (has(spec, "contraction")) learner = make_contractive(learner, Rcpp::as<double>(spec["contraction"]));
  if (has(spec, "noise")) learner = make_denoising(learner, noise_from_r(spec["noise"]));
  if (has(spec, "weight_decay")) {
    const Rcpp::List decay = spec["weight_decay"];
    learner = add_weight_decay(learner, Rcpp::as<double>(decay["decay"]), get<bool>(decay, "all_layers", false));
  }
  if (has(spec, "variational")) learner = make_variational(learner, Rcpp::as<double>(spec["variational"]));
  if (has(spec, "adversarial")) {
    const Rcpp::List adversarial = spec["adversarial"];
    std::vector<int64_t> discriminator;
    for (double units : Rcpp::as<std::vector<double>>(adversarial["discriminator"])) {
      // A fraction or NaN would be cut silently by the cast; 0 is refused below with the sizes.
      discriminator.push_back(units == std::floor(units) && std::abs(units) < 1e9 ? static_cast<int64_t>(units) : 0);
    }
    learner = make_adversarial(learner, Rcpp::as<std::string>(adversarial["prior"]), discriminator,
                               Rcpp::as<double>(adversarial["weight"]));
  }
  learner.validate();
  return learner;
}

Rcpp::List learner_to_r(const Autoencoder& learner) {
  Rcpp::List spec =
      Rcpp::List::create(Rcpp::Named("layers") = network_to_r(learner.network), Rcpp::Named("loss") = learner.loss);
  if (learner.correntropy) spec["correntropy"] = learner.correntropy->sigma;
  if (learner.sparsity) {
    spec["sparsity"] = Rcpp::NumericVector::create(learner.sparsity->high_probability, learner.sparsity->weight);
  }
  if (learner.contraction) spec["contraction"] = learner.contraction->weight;
  if (learner.noise) {
    spec["noise"] = Rcpp::List::create(Rcpp::Named("type") = learner.noise->name(),
                                       Rcpp::Named("parameter") = learner.noise->parameter);
  }
  if (learner.weight_decay) {
    spec["weight_decay"] = Rcpp::List::create(Rcpp::Named("decay") = learner.weight_decay->decay,
                                              Rcpp::Named("all_layers") = learner.weight_decay->all_layers);
  }
  if (learner.variational) spec["variational"] = learner.variational->beta;
  if (learner.adversarial) {
    spec["adversarial"] =
        Rcpp::List::create(Rcpp::Named("prior") = learner.adversarial->prior,
                           Rcpp::Named("discriminator") = Rcpp::NumericVector(
                               learner.adversarial->discriminator.begin(), learner.adversarial->discriminator.end()),
                           Rcpp::Named("weight") = learner.adversarial->weight);
  }
  return spec;
}

Rcpp::List history_to_r(const History& history) {
  Rcpp::List columns;
  std::vector<double> epochs;
  for (const auto& record : history.epochs) epochs.push_back(static_cast<double>(record.epoch));
  columns["epoch"] = Rcpp::NumericVector(epochs.begin(), epochs.end());
  for (const auto& name : history.columns()) {
    std::vector<double> values;
    for (const auto& record : history.epochs) values.push_back(record.has(name) ? record.value(name) : NA_REAL);
    columns[name] = Rcpp::NumericVector(values.begin(), values.end());
  }
  std::vector<double> seconds;
  for (const auto& record : history.epochs) seconds.push_back(record.seconds);
  columns["seconds"] = Rcpp::NumericVector(seconds.begin(), seconds.end());
  return columns;
}

}  // namespace hourglass::r
