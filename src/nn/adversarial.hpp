// What an adversarial autoencoder adds to the network: the prior its codes are pushed
// towards, and the discriminator that tells samples of the prior from codes.
//
//   const Prior prior = Prior::parse("mixture:4");
//   auto z = prior.sample(128, 2);                      // 128 x 2
//   Discriminator discriminator(2, std::vector<int64_t>{64, 64});
//   auto judged = judge(discriminator->forward(z), discriminator->forward(codes));
//   judged.loss.backward();                             // binary cross-entropy
#pragma once

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

namespace hourglass::nn {

/// A prior over codes (see Adversarial in hourglass/variants/autoencoder.hpp).
struct Prior {
  enum class Kind { normal, uniform, mixture };
  Kind kind = Kind::normal;
  int64_t components = 0;  ///< of a mixture

  /// "normal", "uniform" or "mixture:K" (2 <= K <= 1000); throws InvalidArgument for
  /// anything else, listing the valid forms.
  static Prior parse(const std::string& text);

  /// rows x units samples, float, from the default generator.
  torch::Tensor sample(int64_t rows, int64_t units) const;
  /// The mixture's component means, components x units.
  torch::Tensor mixture_means(int64_t units) const;
  /// The inverse CDF of unit `unit` (0-based) of a code of `units`, at probabilities `p`
  /// (double): what generate() spreads its grid over.
  torch::Tensor quantile(const torch::Tensor& p, int64_t unit, int64_t units) const;
};

/// The mixture's geometry: the radius its means lie on and each component's standard deviation.
constexpr double kMixtureRadius = 2.0, kMixtureStd = 0.5;

/// A code (rows x code_units) to one logit per row: "the code is a sample of the prior".
class DiscriminatorImpl : public torch::nn::Module {
 public:
  /// Dense layers of `hidden` units with ReLU between, then one output unit.
  DiscriminatorImpl(int64_t code_units, const std::vector<int64_t>& hidden);
  /// rows x code_units -> rows.
  torch::Tensor forward(const torch::Tensor& code) { return layers_->forward(code).squeeze(1); }
  /// Its weights, counted without building it (the model loader checks a file against it).
  static int64_t parameter_count(int64_t code_units, const std::vector<int64_t>& hidden);

 private:
  torch::nn::Sequential layers_{nullptr};
};
TORCH_MODULE(Discriminator);

/// The discriminator's binary cross-entropy, averaged over the 2n judgements, with prior
/// samples labelled 1 and codes 0:
///   loss = -(sum log sigmoid(prior_logits) + sum log(1 - sigmoid(code_logits))) / 2n,
/// and the share of those judgements it got right (logit > 0 for a prior sample, < 0 for
/// a code).
struct Judgement {
  torch::Tensor loss, accuracy;
};
Judgement judge(const torch::Tensor& prior_logits, const torch::Tensor& code_logits);

}  // namespace hourglass::nn
