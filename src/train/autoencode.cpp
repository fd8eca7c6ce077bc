#include "hourglass/train/autoencode.hpp"

#include "hourglass/error.hpp"
#include "hourglass/train/train.hpp"

namespace hourglass {

Autoencoder autoencode_learner(int64_t dim, const std::string& type, const std::string& activation) {
  if (type != "basic") throw unknown_name("autoencoder type", type, {"basic"});
  return autoencoder(input() + dense(dim, activation) + output());
}

at::Tensor autoencode(const at::Tensor& data, int64_t dim, const std::string& type,
                      const std::string& activation, int64_t epochs) {
  return autoencode(data, dim, type, activation, TrainOptions().epochs(epochs));
}

at::Tensor autoencode(const at::Tensor& data, int64_t dim, const std::string& type,
                      const std::string& activation, const TrainOptions& options) {
  return train(autoencode_learner(dim, type, activation), data, options).encode(data);
}

}  // namespace hourglass
