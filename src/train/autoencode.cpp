#include "hourglass/train/autoencode.hpp"

#include "hourglass/error.hpp"
#include "hourglass/train/train.hpp"

namespace hourglass {

std::vector<std::pair<std::string, OptionValue>> autoencode_command_options() {
  return {{"scale", std::string("zscore")}, {"optimizer", std::string("adam")}, {"learning_rate", 0.01}};
}

Autoencoder autoencode_learner(int64_t dim, const std::string& type, const std::string& activation) {
  return make_variant(autoencoder(input() + dense(dim, activation) + output()), type);
}

at::Tensor autoencode(const at::Tensor& data, int64_t dim, const std::string& type, const std::string& activation,
                      int64_t epochs) {
  return autoencode(data, dim, type, activation, TrainOptions().epochs(epochs));
}

at::Tensor autoencode(const at::Tensor& data, int64_t dim, const std::string& type, const std::string& activation,
                      const TrainOptions& options) {
  return train(autoencode_learner(dim, type, activation), data, options).encode(data);
}

}  // namespace hourglass
