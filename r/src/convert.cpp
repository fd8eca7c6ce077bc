#include "convert.h"

#include <ATen/ATen.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "hourglass/error.hpp"
#include "hourglass/network/layer_kind.hpp"
#include "hourglass/variants/variant_kind.hpp"

namespace hourglass::r {
namespace {

bool has(const Rcpp::List& list, const char* name) { return list.containsElementNamed(name) && !Rf_isNull(list[name]); }

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

}  // namespace

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
      // Whole numbers; the parameter's own range (sizes from 1, a discriminator's up to
      // 4096) is the library's to check, with its message.
      if (!Rf_isNumeric(value) || Rf_length(value) < 1) throw fail("whole numbers");
      std::vector<int64_t> sizes;
      for (double v : Rcpp::as<std::vector<double>>(value)) {
        if (!(std::abs(v) <= 1e9) || v != std::floor(v)) throw fail("whole numbers");
        sizes.push_back(static_cast<int64_t>(v));
      }
      return sizes;
    }
  }
  return std::monostate{};
}

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

// Each property of the learner (variant_kinds()) is a list of its parameters by name:
// list(layers = ..., loss = "mse", sparsity = list(high_probability = 0.1, weight = 0.2)).
Autoencoder learner_from_r(const Rcpp::List& spec) {
  // The library's constructors and make_* check every parameter and combination.
  Autoencoder learner = autoencoder(network_from_r(spec["layers"]), Rcpp::as<std::string>(spec["loss"]));
  for (const auto& kind : variant_kinds()) {
    if (!has(spec, kind.property.c_str())) continue;
    const Rcpp::List values = spec[kind.property];
    const Rcpp::CharacterVector names = values.names();
    Arguments arguments;
    for (R_xlen_t i = 0; i < values.size(); ++i) {
      const std::string name = Rcpp::as<std::string>(names[i]);
      arguments.emplace_back(name, argument_from_r(values[i], kind.parameter(name), kind.name));
    }
    learner = add_variant(std::move(learner), kind, arguments);
  }
  learner.validate();
  return learner;
}

Rcpp::List learner_to_r(const Autoencoder& learner) {
  Rcpp::List spec =
      Rcpp::List::create(Rcpp::Named("layers") = network_to_r(learner.network), Rcpp::Named("loss") = learner.loss);
  for (const auto& kind : variant_kinds()) {
    if (!kind.present(learner)) continue;
    Rcpp::List values;
    for (const auto& [name, value] : kind.arguments(learner)) values[name] = argument_to_r(value);
    spec[kind.property] = values;
  }
  return spec;
}

Rcpp::List parameters_to_r(const std::vector<Parameter>& parameters) {
  Rcpp::List out;
  for (const auto& p : parameters) {
    out[p.name()] = Rcpp::List::create(Rcpp::Named("required") = p.required(),
                                       Rcpp::Named("default") = argument_to_r(p.default_value()),
                                       Rcpp::Named("describe") = p.describe(), Rcpp::Named("help") = p.help());
  }
  return out;
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
