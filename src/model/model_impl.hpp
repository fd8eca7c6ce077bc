// What a Model holds (internal: the LibTorch module is not part of the public API).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "hourglass/data/table_coding.hpp"
#include "hourglass/model/history.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/variants/autoencoder.hpp"
#include "model/training_state.hpp"
#include "nn/adversarial.hpp"
#include "nn/autoencoder_net.hpp"

namespace hourglass {

struct Model::Impl {
  Autoencoder learner;
  /// The data's columns to the network's values and back (the scaler is part of it).
  TableCoding coding;
  /// The training table's label column, kept out of the features (Model::label_name()).
  std::string label_name;
  History history;
  uint64_t seed = 0;
  nn::AutoencoderNet net{nullptr};
  /// An adversarial learner's discriminator, saved with the model.
  nn::Discriminator discriminator{nullptr};
  TrainingState training;
  /// The anomaly threshold, kept in the model file; training more drops it (new weights,
  /// new scores).
  std::optional<Threshold> threshold;
  /// An ensemble's other networks (TrainOptions::ensemble): the same learner and coding,
  /// trained from seeds seed + 1, seed + 2, ...; `net` is its first.
  std::vector<nn::AutoencoderNet> members;

  /// Every network: `net`, then the members.
  std::vector<nn::AutoencoderNet> networks() const;
  /// The mean of `each` over every network: an ensemble's scores and reconstructions.
  at::Tensor mean_over_networks(const std::function<at::Tensor(nn::AutoencoderNet&)>& each) const;

  /// A deep copy: new weights, the same values (training on it leaves this one alone).
  std::shared_ptr<Impl> clone() const;
};

}  // namespace hourglass
