#include "convert.h"

#include <ATen/ATen.h>

#include <cstring>
#include <string>
#include <vector>

#include "hourglass/error.hpp"

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

LayerType layer_type(const std::string& name) {
  for (auto type :
       {LayerType::input, LayerType::dense, LayerType::output, LayerType::dropout, LayerType::batch_norm,
        LayerType::variational, LayerType::conv, LayerType::conv_transpose, LayerType::flatten, LayerType::reshape}) {
    if (layer_type_name(type) == name) return type;
  }
  throw InvalidArgument("unknown layer type '" + name + "'");
}

const char* resampling_name(Resampling resampling) {
  switch (resampling) {
    case Resampling::max_pooling:
      return "max_pooling";
    case Resampling::average_pooling:
      return "average_pooling";
    case Resampling::upsampling:
      return "upsampling";
    case Resampling::none:
      break;
  }
  return "none";
}

Layer layer_from_r(const Rcpp::List& spec) {
  const auto type = layer_type(Rcpp::as<std::string>(spec["type"]));
  const auto activation = get<std::string>(spec, "activation", "linear");
  switch (type) {
    case LayerType::input:
      return input();
    case LayerType::dense:
      return dense(get<int64_t>(spec, "units", 0), activation);
    case LayerType::output:
      return output(activation);
    case LayerType::dropout:
      return dropout(get<double>(spec, "rate", 0.5));
    case LayerType::batch_norm:
      return batch_norm();
    case LayerType::variational:
      return variational(get<int64_t>(spec, "units", 0), get<double>(spec, "epsilon_std", 1.0));
    case LayerType::flatten:
      return flatten();
    case LayerType::reshape:
      return reshape(Rcpp::as<std::vector<int64_t>>(spec["dims"]));
    case LayerType::conv:
    case LayerType::conv_transpose: {
      ConvOptions options;
      options.padding(get<std::string>(spec, "padding", "same")).strides(get<int64_t>(spec, "strides", 1));
      const auto resampling = get<std::string>(spec, "resampling", "none");
      const auto factor = get<int64_t>(spec, "factor", 0);
      if (resampling == "max_pooling") options.max_pooling(factor);
      if (resampling == "average_pooling") options.average_pooling(factor);
      if (resampling == "upsampling") options.upsampling(factor);
      const auto filters = get<int64_t>(spec, "units", 0), kernel = get<int64_t>(spec, "kernel_size", 0);
      return type == LayerType::conv ? conv(filters, kernel, activation, options)
                                     : conv_transpose(filters, kernel, activation, options);
    }
  }
  throw InvalidArgument("unknown layer type");
}

Rcpp::List layer_to_r(const Layer& layer) {
  Rcpp::List spec = Rcpp::List::create(Rcpp::Named("type") = layer_type_name(layer.type));
  switch (layer.type) {
    case LayerType::dense:
      spec["units"] = static_cast<double>(layer.units);
      [[fallthrough]];
    case LayerType::output:
      spec["activation"] = layer.activation;
      break;
    case LayerType::dropout:
      spec["rate"] = layer.rate;
      break;
    case LayerType::variational:
      spec["units"] = static_cast<double>(layer.units);
      spec["epsilon_std"] = layer.epsilon_std;
      break;
    case LayerType::reshape:
      spec["dims"] = Rcpp::NumericVector(layer.dims.begin(), layer.dims.end());
      break;
    case LayerType::conv:
    case LayerType::conv_transpose:
      spec["units"] = static_cast<double>(layer.units);
      spec["kernel_size"] = static_cast<double>(layer.kernel_size);
      spec["activation"] = layer.activation;
      spec["padding"] = layer.conv.padding_;
      spec["strides"] = static_cast<double>(layer.conv.strides_);
      spec["resampling"] = resampling_name(layer.conv.resampling_);
      spec["factor"] = static_cast<double>(layer.conv.factor_);
      break;
    default:
      break;
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
