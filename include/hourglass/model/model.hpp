// A trained autoencoder: encode, decode, reconstruct, evaluate, save and load.
//
//   Model model = train(autoencoder("16,2"), data, TrainOptions().epochs(50));
//   at::Tensor codes = model.encode(data);             // rows x 2
//   auto errors = model.evaluate(data, {"mse", "mae"});
//   model.save("iris.hgm");
//   Model again = Model::load("iris.hgm");             // identical encodings
//
// Inputs are in the data's own units; the model applies its scaler on the way in and
// undoes it on the way out. Samples may be flat (rows x values) or shaped like the
// training data (rows x channels x height x width); outputs in data space have the
// training data's shape, codes are rows x code_dim().
//
// A variational or adversarial model also generates (ruta's generate), from its prior:
//   at::Tensor grid = vae.generate({1, 2}, 0.05, 0.95, 10);  // 100 x 1 x 28 x 28
//   at::Tensor drawn = vae.sample(16);                       // from the prior N(0, I)
//
// A table with categorical columns or missing cells (data/table_coding.hpp) trains from a
// Dataset; data read later is put in the model's levels first:
//   Model m = train(autoencoder("8,3"), read_data("cancer.csv"), TrainOptions().scale("zscore"));
//   at::Tensor filled = m.impute(m.coding().conform(read_data("new.csv")));
//
// Anomaly scores and a threshold kept in the model file (see model/anomaly.hpp):
//   model.set_threshold(data, "contamination:0.1");
//   at::Tensor scores = model.score(data), flagged = model.is_outlier(data);
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hourglass/model/anomaly.hpp"

namespace hourglass {

// What a model holds behind its pointer: a file that uses one includes its header.
struct Autoencoder;
struct History;
class Network;
class Scaler;
class TableCoding;
/// The shape of one sample or code, without the rows (as network/layer.hpp has it).
using Shape = std::vector<int64_t>;

class Model {
 public:
  struct Impl;
  /// The most networks a model holds: an ensemble's size (TrainOptions::ensemble) is 1
  /// to this, and a model file that claims more is refused.
  static constexpr int64_t kMaxNetworks = 100;

  /// A model without weights (is_trained() is false); every other method throws
  /// InvalidArgument until a trained model is assigned to it.
  Model() = default;
  explicit Model(std::shared_ptr<Impl> impl);

  bool is_trained() const { return impl_ != nullptr; }

  /// Rows x code_dim(). A variational model gives the posterior mean, or with
  /// `sample` a draw z = mean + exp(log_var / 2) * epsilon.
  at::Tensor encode(const at::Tensor& data, bool sample = false) const;
  /// Codes as rows x code_dim(), or shaped rows x code_shape().
  at::Tensor decode(const at::Tensor& codes) const;
  at::Tensor reconstruct(const at::Tensor& data) const;
  /// The data with only its missing cells (NaN) replaced by their reconstruction.
  at::Tensor impute(const at::Tensor& data) const;

  /// A variational model's decoding of a grid of side^dimensions.size() latent points:
  /// each listed latent unit (1-based) takes `side` values qnorm(p) for p evenly spaced
  /// from `from` to `to`, the first listed unit varying fastest; every other unit is
  /// qnorm(fixed_value). An adversarial model's grid takes its prior's quantiles of
  /// each unit instead of qnorm. Throws InvalidArgument for a model with no prior (neither
  /// variational nor adversarial), units outside 1..code_dim() or probabilities outside (0, 1).
  at::Tensor generate(const std::vector<int64_t>& dimensions = {1, 2}, double from = 0.05, double to = 0.95,
                      int64_t side = 10, double fixed_value = 0.5) const;
  /// The latent points generate() decodes, rows x code_dim().
  at::Tensor generation_grid(const std::vector<int64_t>& dimensions = {1, 2}, double from = 0.05, double to = 0.95,
                             int64_t side = 10, double fixed_value = 0.5) const;
  /// `n` decodings of codes drawn from the prior: N(0, I) for a variational model, the
  /// learner's prior for an adversarial one (others have none).
  at::Tensor sample(int64_t n) const;
  /// The codes sample() decodes: `n` draws of the prior, rows x code_dim().
  at::Tensor prior_codes(int64_t n) const;
  /// Metric name -> value between data and its reconstruction (see metric_names()).
  /// "loss" is what training minimises (the loss and the variants' penalties, on the
  /// scaled data), as Keras's evaluate() and the history's val_loss report it.
  std::map<std::string, double> evaluate(const at::Tensor& data,
                                         const std::vector<std::string>& metrics = {"mse"}) const;

  /// One anomaly score per row (a float vector; see model/anomaly.hpp): the row's
  /// reconstruction error under the model's loss, or a variational model's negative ELBO.
  at::Tensor score(const at::Tensor& data, const ScoreOptions& options = {}) const;
  /// Rows x values: each value's share of its row's reconstruction score; a row's shares
  /// sum to score(data). Only for losses of single cells (mse, mae, bce, huber, ...).
  at::Tensor score_per_feature(const at::Tensor& data) const;
  /// Sets the threshold by `rule` on the scores of `data` (see model/anomaly.hpp), keeps
  /// it in this model (saved with it) and returns it. Copies of the model share its
  /// weights but not its threshold: a copy made before keeps the one it had.
  const Threshold& set_threshold(const at::Tensor& data, const std::string& rule, const ScoreOptions& options = {});
  /// Sets a threshold as it is (e.g. one read back from another model).
  void set_threshold(const Threshold& threshold);
  void clear_threshold();
  const std::optional<Threshold>& threshold() const;
  /// score(data) > threshold, as a bool vector. Throws InvalidArgument without a threshold.
  at::Tensor is_outlier(const at::Tensor& data) const;

  /// Writes a safetensors file whose metadata holds the learner, scaler and history.
  void save(const std::string& path) const;
  /// Throws ModelFileError for a missing, truncated, corrupted or foreign file.
  static Model load(const std::string& path);
  /// Writes one part (encoder, decoder, autoencoder or scorer) as an ONNX file that any
  /// ONNX runtime serves, the scaler included (see hourglass/export/onnx.hpp).
  void export_onnx(const std::string& path, const std::string& part = "autoencoder") const;

  const Autoencoder& learner() const;
  const Network& network() const;
  /// The numeric columns' scaler (part of coding()).
  const Scaler& scaler() const;
  /// How the data's columns become the network's values: scaling, categories, holes.
  const TableCoding& coding() const;
  /// The label column of the table it was trained on (Dataset::label_name; empty: none).
  /// The command line reads a file with a column of that name as --label would.
  const std::string& label_name() const;
  const History& history() const;
  int64_t input_dim() const;
  /// The shape of one training sample: {columns} or {channels, height, width}.
  const Shape& sample_shape() const;
  int64_t code_dim() const;
  /// The shape of one code: {units}, or {channels, height, width} for a conv code.
  const Shape& code_shape() const;
  /// The seed training used (an ensemble's first network's; the others' follow it).
  uint64_t seed() const;
  /// Its networks: 1, or an ensemble's size (TrainOptions::ensemble), whose scores and
  /// reconstructions are the means of its networks' and whose codes are the first's.
  int64_t ensemble_size() const;
  /// The Keras-like summary of the network for this model's input width.
  std::string summary() const;
  /// Its trainable values (the summary's "Trainable params").
  int64_t parameter_count() const;

 private:
  /// The LibTorch internals; code inside the library reaches them through ModelAccess
  /// (src/model/model_access.hpp).
  Impl& impl() const;
  friend struct ModelAccess;

  /// The training objective on rows x values, averaged over the rows.
  double objective_value(const at::Tensor& rows) const;
  std::shared_ptr<Impl> impl_;
};

/// True for a model that holds trained weights (a default-constructed Model has none).
bool is_trained(const Model& model);

}  // namespace hourglass
