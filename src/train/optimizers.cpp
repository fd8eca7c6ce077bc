#include "train/optimizers.hpp"

#include "hourglass/error.hpp"
#include "hourglass/train/adamax.hpp"
#include "train/fused_optimizers.hpp"

namespace hourglass {

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = {"sgd", "rmsprop", "adam", "adamax", "adagrad"};
  return names;
}

double default_learning_rate(const std::string& optimizer) {
  if (optimizer == "sgd") return 0.01;
  for (const auto& name : optimizer_names()) {
    if (name == optimizer) return 0.001;
  }
  throw unknown_name("optimizer", optimizer, optimizer_names());
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::string& name, std::vector<torch::Tensor> parameters,
                                                        double learning_rate, double momentum) {
  const double lr = learning_rate > 0 ? learning_rate : default_learning_rate(name);
  namespace optim = torch::optim;
  // Keras's constants where they differ from PyTorch's: RMSprop rho 0.9 and eps 1e-7,
  // Adam eps 1e-7, Adagrad initial accumulator 0.1 and eps 1e-7.
  if (name == "sgd") {
    return std::make_unique<optim::SGD>(parameters, optim::SGDOptions(lr).momentum(momentum));
  }
  if (name == "rmsprop") {
    return std::make_unique<FusedRMSprop>(parameters, optim::RMSpropOptions(lr).alpha(0.9).eps(1e-7));
  }
  if (name == "adam") {
    return std::make_unique<FusedAdam>(parameters, optim::AdamOptions(lr).eps(1e-7));
  }
  if (name == "adamax") return std::make_unique<Adamax>(parameters, AdamaxOptions(lr));
  if (name == "adagrad") {
    return std::make_unique<optim::Adagrad>(parameters,
                                            optim::AdagradOptions(lr).initial_accumulator_value(0.1).eps(1e-7));
  }
  throw unknown_name("optimizer", name, optimizer_names());
}

}  // namespace hourglass
