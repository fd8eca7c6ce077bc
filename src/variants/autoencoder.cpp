#include "hourglass/variants/autoencoder.hpp"

#include "hourglass/losses/loss.hpp"
#include "hourglass/network/parse.hpp"

namespace hourglass {

std::string Autoencoder::to_string() const {
  return "Autoencoder learner (basic)\n  network: " + network.to_string() + "\n  loss: " + loss +
         "\n";
}

Autoencoder autoencoder(const Network& network, const std::string& loss) {
  network.validate();
  loss_function(loss);  // throws for an unknown name
  return Autoencoder{network, loss};
}

Autoencoder autoencoder(const std::string& network_spec, const std::string& loss) {
  return autoencoder(parse_network(network_spec), loss);
}

}  // namespace hourglass
