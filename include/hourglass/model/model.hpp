// A trained autoencoder: encode, decode, reconstruct, evaluate, save and load.
//
//   Model model = train(autoencoder("16,2"), data, TrainOptions().epochs(50));
//   at::Tensor codes = model.encode(data);             // rows x 2
//   auto errors = model.evaluate(data, {"mse", "mae"});
//   model.save("iris.hgm");
//   Model again = Model::load("iris.hgm");             // identical encodings
//
// Inputs are in the data's own units; the model applies its scaler on the way in and
// undoes it on the way out.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hourglass/data/scaler.hpp"
#include "hourglass/model/history.hpp"
#include "hourglass/variants/autoencoder.hpp"

namespace hourglass {

class Model {
 public:
  struct Impl;
  /// A model without weights (is_trained() is false); every other method throws
  /// InvalidArgument until a trained model is assigned to it.
  Model() = default;
  explicit Model(std::shared_ptr<Impl> impl);

  bool is_trained() const { return impl_ != nullptr; }

  at::Tensor encode(const at::Tensor& data) const;
  at::Tensor decode(const at::Tensor& codes) const;
  at::Tensor reconstruct(const at::Tensor& data) const;
  /// Metric name -> value between data and its reconstruction (see metric_names()).
  std::map<std::string, double> evaluate(const at::Tensor& data,
                                         const std::vector<std::string>& metrics = {"mse"}) const;

  /// Writes a safetensors file whose metadata holds the learner, scaler and history.
  void save(const std::string& path) const;
  /// Throws ModelFileError for a missing, truncated, corrupted or foreign file.
  static Model load(const std::string& path);

  const Autoencoder& learner() const;
  const Network& network() const { return learner().network; }
  const Scaler& scaler() const;
  const History& history() const;
  int64_t input_dim() const;
  int64_t code_dim() const;
  /// The seed training used.
  uint64_t seed() const;
  /// The Keras-like summary of the network for this model's input width.
  std::string summary() const;

  /// The LibTorch internals (for code inside the library).
  Impl& impl() const;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace hourglass
