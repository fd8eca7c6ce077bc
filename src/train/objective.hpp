// What training minimises for a learner: the reconstruction loss (or correntropy, or a
// variational learner's ELBO) plus the penalties of its variants, each reported as its
// own history column.
//
//   Objective objective(learner, net);
//   auto terms = objective(batch);   // terms.total, terms.parts {"reconstruction", ...}
//   terms.total.backward();
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hourglass/losses/loss.hpp"
#include "hourglass/variants/autoencoder.hpp"
#include "losses/losses.hpp"
#include "nn/autoencoder_net.hpp"

namespace hourglass {

class Objective {
 public:
  struct Terms {
    at::Tensor total;
    /// Named parts in column order; empty for a learner with no penalty.
    std::vector<std::pair<std::string, at::Tensor>> parts;
    /// The network's output for the batch, to compare with it for metrics.
    at::Tensor reconstruction;
  };

  Objective(const Autoencoder& learner, nn::AutoencoderNet net);

  /// The loss of a batch. In training mode a denoising learner corrupts the input
  /// with fresh noise and compares the reconstruction with the clean batch; in
  /// evaluation mode the input stays clean.
  Terms operator()(const at::Tensor& batch);

  /// The part names, in the order operator() returns them.
  std::vector<std::string> part_names() const;

 private:
  bool has_penalty() const;
  /// Reconstruction loss (or correntropy), sparsity and contraction.
  Terms reconstruction_terms(at::Tensor input, const at::Tensor& batch);
  /// The ELBO: reconstruction summed over features and the KL divergence.
  Terms variational_terms(const at::Tensor& input, const at::Tensor& batch);
  static void add(Terms& terms, const char* name, const at::Tensor& penalty);

  Autoencoder learner_;
  nn::AutoencoderNet net_;
  const LossDefinition* reconstruction_loss_ = nullptr;
};

}  // namespace hourglass
