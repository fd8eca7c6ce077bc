// Network: a sequence of layer specs, joined with `+` like ruta's networks.
//
//   Network a = input() + dense(64) + dense(16) + dense(64) + output();
//   Network b = Network::from_sizes({64, 16});        // the same network
//   a[a.encoding_index()];                            // dense(16), the code layer
//   std::cout << a.summary(4);                        // Keras-like table for 4 inputs
//   a.output_shapes({1, 28, 28});                     // each layer's output shape
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hourglass/network/layer.hpp"

namespace hourglass {

/// The most layers a network may have: far more than any autoencoder, few enough that
/// a hostile model file is refused at once.
constexpr size_t kMaxLayers = 10000;

class Network {
 public:
  Network() = default;
  Network(Layer layer);  // NOLINT(google-explicit-constructor): lets `layer + layer` work
  explicit Network(std::vector<Layer> layers);

  /// ruta's as_network(c(64, 16)): input, 64, 16, 64, output. `activation` applies
  /// to the hidden layers, `output_activation` to the reconstruction.
  static Network from_sizes(const std::vector<int64_t>& sizes, const std::string& activation = "linear",
                            const std::string& output_activation = "linear");

  const std::vector<Layer>& layers() const { return layers_; }
  size_t size() const { return layers_.size(); }
  bool empty() const { return layers_.empty(); }
  /// Throws InvalidArgument when i is out of range.
  const Layer& operator[](size_t i) const;
  /// Layers [begin, end), like net[begin:end].
  Network slice(size_t begin, size_t end) const;
  /// The layers at the given positions, in that order (ruta's net[c(1, 3, 5)]).
  Network select(const std::vector<size_t>& positions) const;

  /// Position of the encoding (code) layer: the middle one of the dense and
  /// variational layers, as ruta's encoding_index. In a network of conv layers only,
  /// the last one before the first that upsamples (upsampling or conv_transpose), or
  /// the middle conv when none does. Throws when there is no such layer.
  size_t encoding_index() const;
  /// Width of the code for a network whose encoding layer is dense.
  int64_t code_units() const { return (*this)[encoding_index()].units(); }

  /// Throws InvalidArgument unless the network can be built into an autoencoder:
  /// input first, output (or a conv layer) last, neither elsewhere, an encoding layer.
  void validate() const;

  /// The shape the network sees for samples of `data_shape`: the data's own when the
  /// network has conv, flatten or reshape layers, flattened otherwise (a dense network
  /// reads 28x28 images as 784 features).
  Shape input_shape_for(const Shape& data_shape) const;
  /// The shape of every layer's output for samples of `data_shape`. Throws
  /// InvalidArgument naming the layer and both shapes when a layer does not fit, or
  /// when the reconstruction would not have the data's shape.
  std::vector<Shape> output_shapes(const Shape& data_shape) const;

  /// Each layer's name as Keras numbers them and the summary shows them: input,
  /// dense_1, dense_2, ..., output.
  std::vector<std::string> layer_names() const;

  /// The network as a spec string; parse_network(to_string()) gives it back.
  std::string to_string() const;
  /// The spec string cut for messages (a network of thousands of layers stays one line).
  std::string describe() const;
  /// A Keras-like table (layer, output shape, parameters, totals) for samples of
  /// `data_shape` (channels first), or for `features` columns.
  std::string summary(const Shape& data_shape) const;
  std::string summary(int64_t features) const { return summary(Shape{features}); }
  /// The layers' values for samples of `data_shape`: the summary's "Total params".
  int64_t parameter_count(const Shape& data_shape) const;

  bool operator==(const Network& other) const { return layers_ == other.layers_; }
  bool operator!=(const Network& other) const { return !(*this == other); }
  friend Network operator+(Network lhs, const Network& rhs);

 private:
  std::vector<Layer> layers_;
};

Network operator+(Network lhs, const Network& rhs);

}  // namespace hourglass
