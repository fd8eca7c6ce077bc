// Layer specs: plain data describing one layer of a network, as in ruta.
//
// A spec holds no weights; the weights are made when a learner is trained on data
// (the input and output widths come from the data).
//
//   auto net = input() + dense(256, "elu") + dense(36, "tanh") + dense(256, "elu")
//              + output("sigmoid");
//   auto vae = input() + dense(256, "elu") + variational(10) + dense(256, "elu")
//              + output("sigmoid");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hourglass {

enum class LayerType { input, dense, output, dropout, batch_norm, variational };

struct Layer {
  LayerType type = LayerType::input;
  int64_t units = 0;                   ///< dense, variational: width of the layer
  std::string activation = "linear";   ///< dense, output
  double rate = 0.0;                   ///< dropout: fraction of units dropped
  double epsilon_std = 1.0;            ///< variational: sd of the sampling noise

  /// True for layers that set a width of their own (ruta's "sized" layers).
  bool has_units() const { return type == LayerType::dense || type == LayerType::variational; }
  /// The layer as it is written in a network spec, e.g. "dense(16, tanh)".
  std::string to_string() const;
  bool operator==(const Layer& other) const;
  bool operator!=(const Layer& other) const { return !(*this == other); }
};

/// The names of the activations a dense or output layer accepts.
const std::vector<std::string>& activation_names();

/// Throws InvalidArgument listing the valid names when `name` is not an activation.
void check_activation(const std::string& name);

/// The name of a layer type as written in a spec ("batch_norm").
std::string layer_type_name(LayerType type);

Layer input();
Layer dense(int64_t units, const std::string& activation = "linear");
/// The reconstruction layer; its width is the data's.
Layer output(const std::string& activation = "linear");
Layer dropout(double rate = 0.5);
Layer batch_norm();
/// A variational encoding (ruta's variational_block): dense z_mean and z_log_var of
/// `units` each, and a sample z = z_mean + exp(z_log_var / 2) * epsilon, epsilon drawn
/// from N(0, epsilon_std^2) for every row.
Layer variational(int64_t units, double epsilon_std = 1.0);

}  // namespace hourglass
