#include "hourglass/network/layer.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "hourglass/error.hpp"

namespace hourglass {

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
    case LayerType::input:
    case LayerType::batch_norm: break;
  }
  out << ')';
  return out.str();
}

bool Layer::operator==(const Layer& other) const {
  return type == other.type && units == other.units && activation == other.activation &&
         rate == other.rate && epsilon_std == other.epsilon_std;
}

Layer input() { return Layer{LayerType::input, 0, "linear", 0.0}; }

Layer dense(int64_t units, const std::string& activation) {
  if (units < 1) {
    throw InvalidArgument("dense: units must be a positive integer, got " +
                          std::to_string(units));
  }
  check_activation(activation);
  return Layer{LayerType::dense, units, activation, 0.0};
}

Layer output(const std::string& activation) {
  check_activation(activation);
  return Layer{LayerType::output, 0, activation, 0.0};
}

Layer dropout(double rate) {
  if (!(rate >= 0.0 && rate < 1.0)) {
    std::ostringstream msg;
    msg << "dropout: rate must be in [0, 1), got " << rate;
    throw InvalidArgument(msg.str());
  }
  return Layer{LayerType::dropout, 0, "linear", rate};
}

Layer batch_norm() { return Layer{LayerType::batch_norm, 0, "linear", 0.0}; }

Layer variational(int64_t units, double epsilon_std) {
  if (units < 1) {
    throw InvalidArgument("variational: units must be a positive integer, got " + std::to_string(units));
  }
  if (!(epsilon_std > 0.0) || !std::isfinite(epsilon_std)) {
    throw InvalidArgument("variational: epsilon_std must be a positive number, got " + format_number(epsilon_std));
  }
  Layer layer{LayerType::variational, units, "linear", 0.0};
  layer.epsilon_std = epsilon_std;
  return layer;
}

}  // namespace hourglass
