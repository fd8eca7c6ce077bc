// Layer specs: plain data describing one layer of a network, as in ruta.
//
// A spec holds no weights; the weights are made when a learner is trained on data
// (the input and output widths come from the data).
//
//   auto net = input() + dense(256, "elu") + dense(36, "tanh") + dense(256, "elu")
//              + output("sigmoid");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hourglass {

enum class LayerType { input, dense, output, dropout, batch_norm };

struct Layer {
  LayerType type = LayerType::input;
  int64_t units = 0;                   ///< dense: width of the layer
  std::string activation = "linear";   ///< dense, output
  double rate = 0.0;                   ///< dropout: fraction of units dropped

  /// True for layers that set a width of their own (ruta's "sized" layers).
  bool has_units() const { return type == LayerType::dense; }
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

}  // namespace hourglass
