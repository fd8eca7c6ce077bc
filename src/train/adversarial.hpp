// The two steps an adversarial autoencoder adds to every batch, after the reconstruction
// step (Makhzani et al. 2015, section 2): the discriminator learns to tell samples of the
// prior from the batch's codes, then the encoder learns to fool it. Each has its own
// Adam optimizer (learning rate 1e-3, Keras's default, with beta1 0.5 as GANs use it;
// 2e-4 let the reconstruction step outpace the generator in our tests), kept with the
// model's training state so that a resumed run continues exactly.
//
//   AdversarialSteps adversarial(model_impl, saved_state);
//   adversarial.step(batch);                  // after the reconstruction step
//   adversarial.write_epoch(record);          // discriminator_loss, discriminator_accuracy
//   adversarial.save(state);                  // into the TrainingState
#pragma once

#include <torch/optim/optimizer.h>

#include <memory>
#include <vector>

#include "model/model_impl.hpp"
#include "model/training_state.hpp"
#include "nn/adversarial.hpp"

namespace hourglass {

constexpr double kAdversarialLearningRate = 1e-3, kAdversarialBeta1 = 0.5;

class AdversarialSteps {
 public:
  /// Makes the model's discriminator when it has none (a new model) and the optimizers,
  /// with their state from `saved` where it has one.
  AdversarialSteps(Model::Impl& model, const TrainingState& saved);
  ~AdversarialSteps();

  /// The discriminator step and the encoder's (generator) step on a batch of scaled rows.
  void step(const at::Tensor& batch);
  /// Adds the epoch's row-weighted means of the discriminator's loss and accuracy to
  /// `record` and starts the next epoch's sums.
  void write_epoch(EpochRecord& record);
  /// Puts both optimizers' state into `state`.
  void save(TrainingState& state) const;

 private:
  Model::Impl& model_;
  nn::Prior prior_;
  double weight_;
  std::vector<at::Tensor> discriminator_parameters_, encoder_parameters_;
  std::unique_ptr<torch::optim::Optimizer> discriminator_optimizer_, generator_optimizer_;
  at::Tensor loss_sum_, accuracy_sum_;
  int64_t rows_ = 0;
};

}  // namespace hourglass
