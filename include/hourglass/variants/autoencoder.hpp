// The learner: what is to be trained (a network and a loss), before any data is seen.
//
//   auto learner = autoencoder(input() + dense(2, "tanh") + output(), "mse");
//   auto same    = autoencoder("64,16:tanh");          // a spec string works too
//   Model model  = train(learner, data);
#pragma once

#include <string>

#include "hourglass/network/network.hpp"

namespace hourglass {

struct Autoencoder {
  Network network;
  std::string loss = "mse";

  /// ruta's print format: type list, network and loss.
  std::string to_string() const;
};

/// A basic autoencoder. Throws InvalidArgument for an invalid network or unknown loss.
Autoencoder autoencoder(const Network& network, const std::string& loss = "mse");
/// The same from a spec string (see parse_network).
Autoencoder autoencoder(const std::string& network_spec, const std::string& loss = "mse");

}  // namespace hourglass
