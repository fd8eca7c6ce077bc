#include "hourglass/network/layer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

Layer make_layer(LayerType type, int64_t units, const std::string& activation, double rate) {
  Layer layer;
  layer.type = type;
  layer.units = units;
  layer.activation = activation;
  layer.rate = rate;
  return layer;
}

}  // namespace

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {
      "linear", "relu",     "sigmoid",  "tanh",       "elu",
      "selu",   "softplus", "softsign", "leaky_relu", "hard_sigmoid"};
  return names;
}

void check_activation(const std::string& name) {
  const auto& names = activation_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    throw unknown_name("activation", name, names);
  }
}

std::string layer_type_name(LayerType type) {
  switch (type) {
    case LayerType::input: return "input";
    case LayerType::dense: return "dense";
    case LayerType::output: return "output";
    case LayerType::dropout: return "dropout";
    case LayerType::batch_norm: return "batch_norm";
    case LayerType::variational: return "variational";
    case LayerType::conv: return "conv";
    case LayerType::conv_transpose: return "conv_transpose";
    case LayerType::flatten: return "flatten";
    case LayerType::reshape: return "reshape";
  }
  return "unknown";
}

std::string Layer::to_string() const {
  std::ostringstream out;
  out << layer_type_name(type) << '(';
  switch (type) {
    case LayerType::dense: out << units << ", " << activation; break;
    case LayerType::output: out << activation; break;
    case LayerType::dropout: out << rate; break;
    case LayerType::variational:
      out << units;
      if (epsilon_std != 1.0) out << ", " << format_number(epsilon_std);
      break;
    case LayerType::conv:
    case LayerType::conv_transpose: {
      out << units << ", " << kernel_size << ", " << activation;
      if (conv.padding_ != "same") out << ", padding=" << conv.padding_;
      if (conv.strides_ != 1) out << ", strides=" << conv.strides_;
      switch (conv.resampling_) {
        case Resampling::max_pooling: out << ", max_pooling=" << conv.factor_; break;
        case Resampling::average_pooling: out << ", average_pooling=" << conv.factor_; break;
        case Resampling::upsampling: out << ", upsampling=" << conv.factor_; break;
        case Resampling::none: break;
      }
      break;
    }
    case LayerType::reshape:
      for (size_t i = 0; i < dims.size(); ++i) out << (i ? ", " : "") << dims[i];
      break;
    case LayerType::input:
    case LayerType::flatten:
    case LayerType::batch_norm: break;
  }
  out << ')';
  return out.str();
}

bool Layer::operator==(const Layer& other) const {
  return type == other.type && units == other.units && activation == other.activation &&
         rate == other.rate && epsilon_std == other.epsilon_std && kernel_size == other.kernel_size &&
         conv == other.conv && dims == other.dims;
}

Layer input() { return make_layer(LayerType::input, 0, "linear", 0.0); }

Layer dense(int64_t units, const std::string& activation) {
  if (units < 1) {
    throw InvalidArgument("dense: units must be a positive integer, got " +
                          std::to_string(units));
  }
  check_activation(activation);
  return make_layer(LayerType::dense, units, activation, 0.0);
}

Layer output(const std::string& activation) {
  check_activation(activation);
  return make_layer(LayerType::output, 0, activation, 0.0);
}

Layer dropout(double rate) {
  if (!(rate >= 0.0 && rate < 1.0)) {
    std::ostringstream msg;
    msg << "dropout: rate must be in [0, 1), got " << rate;
    throw InvalidArgument(msg.str());
  }
  return make_layer(LayerType::dropout, 0, "linear", rate);
}

Layer batch_norm() { return make_layer(LayerType::batch_norm, 0, "linear", 0.0); }

Layer variational(int64_t units, double epsilon_std) {
  if (units < 1) {
    throw InvalidArgument("variational: units must be a positive integer, got " + std::to_string(units));
  }
  if (!(epsilon_std > 0.0) || !std::isfinite(epsilon_std)) {
    throw InvalidArgument("variational: epsilon_std must be a positive number, got " + format_number(epsilon_std));
  }
  Layer layer = make_layer(LayerType::variational, units, "linear", 0.0);
  layer.epsilon_std = epsilon_std;
  return layer;
}

}  // namespace hourglass

namespace hourglass {
namespace {

Layer convolution(LayerType type, int64_t filters, int64_t kernel_size, const std::string& activation,
                  const ConvOptions& options) {
  const std::string name = layer_type_name(type);
  auto positive = [&](int64_t value, const char* what) {
    if (value < 1) {
      throw InvalidArgument(name + ": " + what + " must be a positive integer, got " + std::to_string(value));
    }
  };
  positive(filters, "filters");
  positive(kernel_size, "kernel_size");
  positive(options.strides_, "strides");
  if (options.resampling_ != Resampling::none) positive(options.factor_, "the pooling/upsampling size");
  if (options.padding_ != "same" && options.padding_ != "valid") {
    throw InvalidArgument(name + ": padding must be \"same\" or \"valid\", got \"" + options.padding_ + "\"");
  }
  check_activation(activation);
  Layer layer = make_layer(type, filters, activation, 0.0);
  layer.kernel_size = kernel_size;
  layer.conv = options;
  return layer;
}

}  // namespace

Layer conv(int64_t filters, int64_t kernel_size, const std::string& activation, const ConvOptions& options) {
  return convolution(LayerType::conv, filters, kernel_size, activation, options);
}

Layer conv_transpose(int64_t filters, int64_t kernel_size, const std::string& activation,
                     const ConvOptions& options) {
  return convolution(LayerType::conv_transpose, filters, kernel_size, activation, options);
}

Layer flatten() { return make_layer(LayerType::flatten, 0, "linear", 0.0); }

Layer reshape(const Shape& dims) {
  if (dims.empty() || dims.size() > 3 ||
      std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d < 1; })) {
    throw InvalidArgument("reshape: expected 1 to 3 positive sizes (channels first, e.g. reshape(8, 4, 4)), got (" +
                          shape_to_string(dims) + ")");
  }
  Layer layer = make_layer(LayerType::reshape, 0, "linear", 0.0);
  layer.dims = dims;
  return layer;
}

int64_t checked_product(int64_t a, int64_t b) {
  int64_t product = 0;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &product) || product > kMaxValues) {
    throw InvalidArgument("sizes " + std::to_string(a) + " x " + std::to_string(b) +
                          " give more than 2^40 values; use smaller layers or data");
  }
  return product;
}

int64_t shape_size(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, checked_product);
}

std::string shape_to_string(const Shape& shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "x" : "") + std::to_string(shape[i]);
  return out;
}

}  // namespace hourglass
