// What a model keeps of its training so that training can go on: the optimizer's
// state, the random generator's state, every callback's state and the epoch the run
// was heading for. Model files hold it (as tensors and JSON, see serialization.hpp);
// train(model, ...) and resume() start from it.
#pragma once

#include <map>
#include <string>

#include "hourglass/model/callback_state.hpp"
#include "model/safetensors.hpp"

namespace hourglass {

struct TrainingState {
  /// The optimizer's name; empty for a model that holds no training state.
  std::string optimizer;
  double learning_rate = 0, momentum = 0;
  /// Per parameter i (in the network's parameter order) and field: "3.exp_avg".
  safetensors::NamedTensors optimizer_state;
  /// An adversarial autoencoder's two Adam optimizers, keyed as optimizer_state is (over
  /// the discriminator's parameters, and over the encoder's).
  safetensors::NamedTensors discriminator_optimizer_state, generator_optimizer_state;
  /// The CPU generator's state when training stopped.
  at::Tensor generator;
  std::map<std::string, CallbackState> callbacks;
  /// The last epoch the run that wrote it was to train; resume() goes on to it.
  int64_t final_epoch = 0;

  bool empty() const { return optimizer.empty(); }
};

/// Throws InvalidArgument listing the valid names when `name` is not an optimizer, so
/// that a model file naming an unknown one is refused when it is read. The optimizers
/// live in the train folder, above this one: it defines this function
/// (src/train/optimizers.cpp), as the layers folder fills the network folder's registry.
void check_optimizer_name(const std::string& name);

}  // namespace hourglass
