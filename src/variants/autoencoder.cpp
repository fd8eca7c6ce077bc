#include "hourglass/variants/autoencoder.hpp"

#include <algorithm>
#include <cmath>

#include "hourglass/error.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/variants/variant_kind.hpp"
#include "nn/adversarial.hpp"

namespace hourglass {
namespace {

void check_weight(const char* what, double weight) {
  if (!(weight >= 0.0) || !std::isfinite(weight)) {
    throw InvalidArgument(std::string(what) + " must be a finite number >= 0, got " + format_number(weight));
  }
}

// The properties a variational or adversarial learner cannot have, as named in messages.
void check_compatible(const Autoencoder& learner) {
  if (learner.adversarial) {
    if (learner.variational) {
      throw InvalidArgument(
          "an autoencoder cannot be both variational and adversarial: each shapes the codes towards a prior (the KL "
          "term or the discriminator); choose one");
    }
    if (learner.sparsity) {
      throw InvalidArgument(
          "an adversarial autoencoder cannot also be sparse: the prior, not a target activation, says how its codes "
          "are spread; combine adversarial with denoising, contractive, robust or weight decay");
    }
  }
  if (!learner.variational) return;
  for (const auto& [has, name] : {std::pair<bool, const char*>{learner.sparsity.has_value(), "sparse"},
                                  {learner.contraction.has_value(), "contractive"},
                                  {learner.correntropy.has_value(), "robust"}}) {
    if (has) {
      throw InvalidArgument(std::string("a variational autoencoder cannot also be ") + name +
                            ": its loss is the ELBO; combine variational with denoising or weight decay only");
    }
  }
}

}  // namespace

void Autoencoder::validate() const {
  network.validate();
  loss_function(loss);
  // Each property's make_* checks its parameters; the copies they return are not needed.
  for (const auto& kind : variant_kinds()) {
    if (kind.present(*this)) kind.add(*this, kind.arguments(*this));
  }
  check_compatible(*this);
}

std::vector<std::string> Autoencoder::types() const {
  std::vector<std::string> names;
  for (const auto& kind : variant_kinds()) {
    if (kind.is_type && kind.present(*this)) names.push_back(kind.name);
  }
  if (names.empty()) names.emplace_back("basic");
  return names;
}

std::string Autoencoder::loss_description() const {
  if (correntropy) return "correntropy (sigma " + format_number(correntropy->sigma) + ")";
  return loss;
}

std::string Autoencoder::to_string() const {
  std::string text = "Autoencoder learner (" + join(types()) + ")\n  network: " + network.to_string() +
                     "\n  loss: " + loss_description() + "\n";
  if (sparsity) {
    text += "  sparsity: high_probability " + format_number(sparsity->high_probability) + ", weight " +
            format_number(sparsity->weight) + "\n";
  }
  if (contraction) text += "  contraction: weight " + format_number(contraction->weight) + "\n";
  if (variational) text += "  variational: beta " + format_number(variational->beta) + "\n";
  if (adversarial) {
    std::vector<std::string> sizes;
    for (int64_t units : adversarial->discriminator) sizes.push_back(std::to_string(units));
    text += "  adversarial: prior " + adversarial->prior + ", discriminator " + join(sizes, ",") + ", weight " +
            format_number(adversarial->weight) + "\n";
  }
  if (noise) text += "  noise: " + noise->to_string() + "\n";
  if (weight_decay) {
    text += "  weight decay: " + format_number(weight_decay->decay) +
            (weight_decay->all_layers ? " (every dense and conv kernel)\n" : " (encoding layer kernel)\n");
  }
  return text;
}

Autoencoder autoencoder(const Network& network, const std::string& loss) {
  network.validate();
  loss_function(loss);  // throws for an unknown name
  Autoencoder learner{network, loss, {}, {}, {}, {}, {}, {}, {}};
  // A network with a variational layer only makes sense with the ELBO.
  if (network[network.encoding_index()].is("variational")) learner.variational = Variational{};
  return learner;
}

Autoencoder autoencoder(const std::string& network_spec, const std::string& loss) {
  return autoencoder(parse_network(network_spec), loss);
}

Autoencoder autoencoder_sparse(const Network& network, const std::string& loss, double high_probability,
                               double weight) {
  return make_sparse(autoencoder(network, loss), high_probability, weight);
}

Autoencoder autoencoder_contractive(const Network& network, const std::string& loss, double weight) {
  return make_contractive(autoencoder(network, loss), weight);
}

Autoencoder autoencoder_denoising(const Network& network, const std::string& loss, const NoiseFilter& noise) {
  return make_denoising(autoencoder(network, loss), noise);
}

Autoencoder autoencoder_robust(const Network& network, double sigma) {
  return make_robust(autoencoder(network), sigma);
}

Autoencoder autoencoder_variational(const Network& network, const std::string& loss, double beta) {
  return make_variational(autoencoder(network, loss), beta);
}

Autoencoder autoencoder_adversarial(const Network& network, const std::string& loss, const std::string& prior,
                                    const std::vector<int64_t>& discriminator, double weight) {
  return make_adversarial(autoencoder(network, loss), prior, discriminator, weight);
}

Autoencoder make_sparse(Autoencoder learner, double high_probability, double weight) {
  if (!(high_probability > 0.0 && high_probability < 1.0)) {
    throw InvalidArgument("sparsity: high_probability must be in (0, 1), got " + format_number(high_probability) +
                          "; values near 0 ask for few active units");
  }
  check_weight("sparsity: weight", weight);
  learner.sparsity = Sparsity{high_probability, weight};
  check_compatible(learner);
  return learner;
}

Autoencoder make_contractive(Autoencoder learner, double weight) {
  check_weight("contraction: weight", weight);
  learner.contraction = Contraction{weight};
  check_compatible(learner);
  return learner;
}

Autoencoder make_denoising(Autoencoder learner, const NoiseFilter& noise) {
  // Validates the parameter of a filter built by hand rather than by noise_*().
  learner.noise = hourglass::noise(noise.name(), noise.parameter);
  return learner;
}

Autoencoder make_robust(Autoencoder learner, double sigma) {
  if (!(sigma > 0.0) || !std::isfinite(sigma)) {
    throw InvalidArgument("robust: sigma must be a positive number, got " + format_number(sigma));
  }
  learner.correntropy = Correntropy{sigma};
  check_compatible(learner);
  return learner;
}

Autoencoder add_weight_decay(Autoencoder learner, double decay, bool all_layers) {
  check_weight("weight decay", decay);
  learner.weight_decay = WeightDecay{decay, all_layers};
  return learner;
}

Autoencoder make_variational(Autoencoder learner, double beta) {
  if (!(beta >= 0.0) || !std::isfinite(beta)) {
    throw InvalidArgument("variational: beta must be a finite number >= 0, got " + format_number(beta));
  }
  // Before the encoding layer changes (with a warning) for a learner that cannot be variational.
  learner.variational = Variational{beta};
  check_compatible(learner);
  Network& network = learner.network;
  network.validate();
  bool has_layer = false;
  for (size_t i = 0; i < network.size(); ++i) has_layer = has_layer || network[i].is("variational");
  if (!has_layer) {
    const size_t code = network.encoding_index();
    const Layer replaced = network[code];
    if (!replaced.is("dense")) {
      throw InvalidArgument("variational: the encoding layer " + replaced.to_string() +
                            " is not dense and cannot become a variational layer; end the encoder with "
                            "flatten() + variational(UNITS)");
    }
    std::vector<Layer> layers;
    for (size_t i = 0; i < network.size(); ++i)
      layers.push_back(i == code ? hourglass::variational(replaced.units()) : network[i]);
    network = Network(std::move(layers));
    warn("the encoding layer " + replaced.to_string() + " became " + network[code].to_string() +
         " for the variational autoencoder");
  }
  return learner;
}

Autoencoder make_adversarial(Autoencoder learner, const std::string& prior, const std::vector<int64_t>& discriminator,
                             double weight) {
  nn::Prior::parse(prior);  // throws for an unknown prior
  constexpr int64_t kMaxUnits = 4096;
  const bool sizes_valid =
      !discriminator.empty() && std::all_of(discriminator.begin(), discriminator.end(),
                                            [](int64_t units) { return units >= 1 && units <= kMaxUnits; });
  if (!sizes_valid) {
    std::vector<std::string> sizes;
    for (int64_t units : discriminator) sizes.push_back(std::to_string(units));
    throw InvalidArgument("adversarial: the discriminator needs one or more hidden sizes from 1 to 4096, got '" +
                          join(sizes, ",") + "'; e.g. 64,64");
  }
  check_weight("adversarial: weight", weight);
  learner.adversarial = Adversarial{prior, discriminator, weight};
  check_compatible(learner);
  const Network& network = learner.network;
  if (network[network.encoding_index()].is("variational")) {
    throw InvalidArgument("adversarial: the code is the variational layer " +
                          network[network.encoding_index()].to_string() +
                          ", whose KL term already pulls it to N(0, I); use a dense code layer");
  }
  return learner;
}

bool is_sparse(const Autoencoder& learner) { return learner.sparsity.has_value(); }
bool is_contractive(const Autoencoder& learner) { return learner.contraction.has_value(); }
bool is_denoising(const Autoencoder& learner) { return learner.noise.has_value(); }
bool is_robust(const Autoencoder& learner) { return learner.correntropy.has_value(); }
bool has_weight_decay(const Autoencoder& learner) { return learner.weight_decay.has_value(); }
bool is_variational(const Autoencoder& learner) { return learner.variational.has_value(); }
bool is_adversarial(const Autoencoder& learner) { return learner.adversarial.has_value(); }

}  // namespace hourglass
