// Network: a sequence of layer specs, joined with `+` like ruta's networks.
//
//   Network a = input() + dense(64) + dense(16) + dense(64) + output();
//   Network b = Network::from_sizes({64, 16});        // the same network
//   a[a.encoding_index()];                            // dense(16), the code layer
//   std::cout << a.summary(4);                        // Keras-like table for 4 inputs
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hourglass/network/layer.hpp"

namespace hourglass {

class Network {
 public:
  Network() = default;
  Network(Layer layer);  // NOLINT(google-explicit-constructor): lets `layer + layer` work
  explicit Network(std::vector<Layer> layers);

  /// ruta's as_network(c(64, 16)): input, 64, 16, 64, output. `activation` applies
  /// to the hidden layers, `output_activation` to the reconstruction.
  static Network from_sizes(const std::vector<int64_t>& sizes,
                            const std::string& activation = "linear",
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

  /// Position of the encoding (code) layer: the middle one of the layers that have
  /// units, as ruta's encoding_index. Throws when no layer has units.
  size_t encoding_index() const;
  /// Width of the code for a network whose encoding layer is dense.
  int64_t code_units() const { return (*this)[encoding_index()].units; }

  /// Throws InvalidArgument unless the network can be built into an autoencoder:
  /// input first, output last, neither elsewhere, at least one sized layer.
  void validate() const;

  /// The network as a spec string; parse_network(to_string()) gives it back.
  std::string to_string() const;
  /// A Keras-like table (layer, output shape, parameters, totals) for `input_dim`
  /// features.
  std::string summary(int64_t input_dim) const;

  bool operator==(const Network& other) const { return layers_ == other.layers_; }
  bool operator!=(const Network& other) const { return !(*this == other); }
  friend Network operator+(Network lhs, const Network& rhs);

 private:
  std::vector<Layer> layers_;
};

Network operator+(Network lhs, const Network& rhs);

}  // namespace hourglass
