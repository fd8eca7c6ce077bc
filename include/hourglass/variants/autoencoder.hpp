// The learner: what is to be trained (a network, a loss and the variant properties),
// before any data is seen. Properties combine: constructors (nouns) start a learner,
// make_* (verbs) add a property to any learner and keep the ones it has.
//
//   auto learner = autoencoder(input() + dense(2, "tanh") + output(), "mse");
//   auto sparse  = autoencoder_sparse("36:sigmoid:sigmoid", "bce");
//   auto both    = make_denoising(make_contractive(learner), noise_gaussian(0.1));
//   is_contractive(both);                  // true
//   std::cout << both.to_string();         // "Autoencoder learner (contractive, denoising) ..."
//   Model model = train(both, data);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hourglass/network/network.hpp"
#include "hourglass/noise/noise.hpp"

namespace hourglass {

/// KL-divergence sparsity on the encoding layer's mean activations.
struct Sparsity {
  double high_probability = 0.1;  ///< the target mean activation p, in (0, 1)
  double weight = 0.2;
};

/// Penalty on the squared Frobenius norm of the encoder's Jacobian.
struct Contraction {
  double weight = 2e-4;
};

/// The correntropy loss with a Gaussian kernel of width sigma, replacing the loss.
struct Correntropy {
  double sigma = 0.2;
};

/// L2 penalty decay * sum(W^2) on the encoding layer's kernel, or every dense and conv kernel.
struct WeightDecay {
  double decay = 0.02;
  bool all_layers = false;
};

/// A variational autoencoder's loss: reconstruction summed over features plus beta times
/// KL(q(z|x) || N(0, I)) summed over latent units, both averaged over the rows.
struct Variational {
  double beta = 1.0;
};

/// An adversarial autoencoder (Makhzani et al. 2015): after each reconstruction step, a
/// discriminator learns to tell samples of the prior (label 1) from the batch's codes
/// (label 0) by binary cross-entropy, then the encoder alone learns to fool it (its
/// loss scaled by `weight`). Both steps use their own Adam optimizer.
///
/// prior: "normal" N(0, I); "uniform" U(-1, 1) in every unit; "mixture:K" K equally
/// likely Gaussians of standard deviation 0.5 whose means lie evenly on a circle of
/// radius 2 in the plane of the first two code units (0 in the others; evenly on
/// [-2, 2] for a one-unit code).
struct Adversarial {
  std::string prior = "normal";
  /// The discriminator's hidden dense layers (ReLU); it ends with one logit.
  std::vector<int64_t> discriminator = {64, 64};
  double weight = 1.0;
};

struct Autoencoder {
  Network network;
  /// Reconstruction loss (see loss_names()); a robust learner uses correntropy instead.
  std::string loss = "mse";
  std::optional<Sparsity> sparsity;
  std::optional<Contraction> contraction;
  /// Denoising: the noise that corrupts every training batch.
  std::optional<NoiseFilter> noise;
  std::optional<Correntropy> correntropy;
  std::optional<WeightDecay> weight_decay;
  std::optional<Variational> variational;
  std::optional<Adversarial> adversarial;

  /// Throws InvalidArgument when the network, the loss or a property's parameter is
  /// invalid (for fields set by hand rather than by the functions below).
  void validate() const;
  /// The variant names in a fixed order, e.g. {"sparse", "denoising"}; {"basic"} for none.
  std::vector<std::string> types() const;
  /// The loss as printed: "mse", or "correntropy (sigma 0.2)" for a robust learner.
  std::string loss_description() const;
  /// ruta's print format: type list, network, loss, then one line per property.
  std::string to_string() const;
  /// The learner as JSON text, each property with its parameters by name as the
  /// variants' table declares them (variant_kind.hpp); the model file's "learner":
  ///   {"types": ["sparse"], "network": "input() + dense(2) + output()", "loss": "mse",
  ///    "sparsity": {"high_probability": 0.1, "weight": 0.2}}
  /// autoencoder_from_config() makes the same learner from it.
  std::string config() const;
};

/// The learner a config() describes ("types" is for people reading it: the properties
/// decide). InvalidArgument naming what is wrong: not JSON, no network or loss, an
/// unknown property's parameter, a value out of range.
Autoencoder autoencoder_from_config(std::string_view config);

/// A basic autoencoder. Throws InvalidArgument for an invalid network or unknown loss.
Autoencoder autoencoder(const Network& network, const std::string& loss = "mse");
/// The same from a spec string (see parse_network).
Autoencoder autoencoder(const std::string& network_spec, const std::string& loss = "mse");

Autoencoder autoencoder_sparse(const Network& network, const std::string& loss = "mse", double high_probability = 0.1,
                               double weight = 0.2);
Autoencoder autoencoder_contractive(const Network& network, const std::string& loss = "mse", double weight = 2e-4);
Autoencoder autoencoder_denoising(const Network& network, const std::string& loss = "mse",
                                  const NoiseFilter& noise = noise_zeros(0.05));
Autoencoder autoencoder_robust(const Network& network, double sigma = 0.2);
/// Without a variational layer in `network`, the encoding layer becomes one of the same
/// units (ruta's auto_transform_network), with a warning.
Autoencoder autoencoder_variational(const Network& network, const std::string& loss = "bce", double beta = 1.0);
/// An adversarial autoencoder whose codes are pushed towards `prior` (see Adversarial):
///   autoencoder_adversarial(parse_network("16,2"), "mse", "mixture:4", {32, 32}, 1.0)
Autoencoder autoencoder_adversarial(const Network& network, const std::string& loss = "mse",
                                    const std::string& prior = "normal",
                                    const std::vector<int64_t>& discriminator = {64, 64}, double weight = 1.0);

/// Each returns a copy of `learner` with the property added (or its parameters
/// replaced) and every other property kept. Throws InvalidArgument for a parameter out
/// of range: high_probability outside (0, 1), a negative weight or decay, sigma <= 0.
Autoencoder make_sparse(Autoencoder learner, double high_probability = 0.1, double weight = 0.2);
Autoencoder make_contractive(Autoencoder learner, double weight = 2e-4);
Autoencoder make_denoising(Autoencoder learner, const NoiseFilter& noise = noise_zeros(0.05));
Autoencoder make_robust(Autoencoder learner, double sigma = 0.2);
Autoencoder add_weight_decay(Autoencoder learner, double decay = 0.02, bool all_layers = false);
/// Sparse, contractive and robust are not defined for a variational learner and are
/// refused in either order; denoising and weight decay combine with it.
Autoencoder make_variational(Autoencoder learner, double beta = 1.0);
/// Throws InvalidArgument for an unknown prior, an empty or non-positive discriminator
/// size, a negative weight, a network whose code is a variational layer, and in either
/// order with variational (its KL term already shapes the codes) or sparse (its target
/// activation contradicts the prior). Denoising, contractive, robust and weight decay
/// combine with it.
Autoencoder make_adversarial(Autoencoder learner, const std::string& prior = "normal",
                             const std::vector<int64_t>& discriminator = {64, 64}, double weight = 1.0);

bool is_sparse(const Autoencoder& learner);
bool is_contractive(const Autoencoder& learner);
bool is_denoising(const Autoencoder& learner);
bool is_robust(const Autoencoder& learner);
bool has_weight_decay(const Autoencoder& learner);
bool is_variational(const Autoencoder& learner);
bool is_adversarial(const Autoencoder& learner);

/// The variant names --type accepts: basic, sparse, contractive, denoising, robust,
/// variational, adversarial.
const std::vector<std::string>& variant_names();
/// Adds the named variants with their default parameters: "sparse", or several joined by
/// commas ("sparse,denoising"); "basic" adds nothing. make_variants() (variant_kind.hpp)
/// with no parameters given; both are defined with the variants' table.
Autoencoder make_variant(Autoencoder learner, const std::string& types);

}  // namespace hourglass
