#include "hourglass/variants/variant_kind.hpp"

#include <algorithm>
#include <cstdlib>

#include "hourglass/error.hpp"
#include "hourglass/registry.hpp"

namespace hourglass {
namespace {

double number(const Arguments& arguments, size_t i) { return std::get<double>(arguments.at(i).second); }

// A row of the table, written fluently: kind("sparse", "sparsity", ...).number(...)...
struct Row {
  VariantKind kind;

  Row& parameter(Parameter parameter, std::string option) {
    kind.parameters.push_back(std::move(parameter));
    kind.options.push_back(std::move(option));
    return *this;
  }
  Row& number(std::string name, double value, std::string help, std::string option) {
    return parameter(Parameter::number(std::move(name), std::move(help)).otherwise(value), std::move(option));
  }
  Row& not_a_type() {
    kind.is_type = false;
    return *this;
  }
  VariantKind reads(std::function<bool(const Autoencoder&)> present,
                    std::function<Arguments(const Autoencoder&)> arguments,
                    std::function<Autoencoder(Autoencoder, const Arguments&)> add) {
    kind.present = std::move(present);
    kind.arguments = std::move(arguments);
    kind.add = std::move(add);
    return std::move(kind);
  }
};

Row kind(std::string name, std::string property, std::string help) {
  Row row;
  row.kind.name = std::move(name);
  row.kind.property = std::move(property);
  row.kind.help = std::move(help);
  return row;
}

// check-function-length: declarative table
std::vector<VariantKind> table() {
  const Sparsity sparsity;
  const Contraction contraction;
  const Correntropy correntropy;
  const Variational variational;
  const Adversarial adversarial;
  const WeightDecay decay;
  return {
      kind("sparse", "sparsity", "pushes the code's mean activations towards a small target (a KL penalty)")
          .number("high_probability", sparsity.high_probability, "target mean activation of the code", "sparsity")
          .number("weight", sparsity.weight, "weight of the KL penalty", "sparsity_weight")
          .reads(
              is_sparse,
              [](const Autoencoder& l) {
                return Arguments{{"high_probability", l.sparsity->high_probability}, {"weight", l.sparsity->weight}};
              },
              [](Autoencoder l, const Arguments& a) { return make_sparse(std::move(l), number(a, 0), number(a, 1)); }),
      kind("contractive", "contraction", "penalises the encoder's Jacobian, so that codes change little near the data")
          .number("weight", contraction.weight, "weight of the Jacobian penalty", "contractive_weight")
          .reads(
              is_contractive,
              [](const Autoencoder& l) {
                return Arguments{{"weight", l.contraction->weight}};
              },
              [](Autoencoder l, const Arguments& a) { return make_contractive(std::move(l), number(a, 0)); }),
      kind("denoising", "noise", "corrupts every training batch and reconstructs the clean rows")
          .parameter(Parameter::name("type", "the noise that corrupts the rows: " + join(noise_names()))
                         .otherwise(NoiseFilter{}.name()),
                     "noise")
          .parameter(Parameter::number("parameter",
                                       "its p (zeros, ones, saltpepper), sd (gaussian) or scale "
                                       "(cauchy); none: the type's default")
                         .optional(),
                     "")
          .reads(
              is_denoising,
              [](const Autoencoder& l) {
                return Arguments{{"type", l.noise->name()}, {"parameter", l.noise->parameter}};
              },
              [](Autoencoder l, const Arguments& a) {
                const auto* parameter = std::get_if<double>(&a.at(1).second);
                return make_denoising(std::move(l),
                                      noise(std::get<std::string>(a.at(0).second),
                                            parameter ? std::optional<double>(*parameter) : std::nullopt));
              }),
      kind("robust", "correntropy", "replaces the loss by correntropy, which large errors move little")
          .number("sigma", correntropy.sigma, "width of the correntropy kernel", "sigma")
          .reads(
              is_robust,
              [](const Autoencoder& l) {
                return Arguments{{"sigma", l.correntropy->sigma}};
              },
              [](Autoencoder l, const Arguments& a) { return make_robust(std::move(l), number(a, 0)); }),
      kind("variational", "variational", "learns a distribution per row: the loss is the ELBO")
          .number("beta", variational.beta, "weight of the KL term", "beta")
          .reads(
              is_variational,
              [](const Autoencoder& l) {
                return Arguments{{"beta", l.variational->beta}};
              },
              [](Autoencoder l, const Arguments& a) { return make_variational(std::move(l), number(a, 0)); }),
      kind("adversarial", "adversarial", "a discriminator pushes the codes towards a prior")
          .parameter(Parameter::name("prior",
                                     "the codes' prior: normal, uniform (on [-1, 1]) or mixture:K (K "
                                     "Gaussians on a circle)")
                         .otherwise(adversarial.prior),
                     "prior")
          // Any whole numbers here: make_adversarial says which sizes it takes.
          .parameter(Parameter::sizes("discriminator", "the discriminator's hidden sizes")
                         .at_least(-1e300)
                         .otherwise(adversarial.discriminator),
                     "discriminator")
          .number("weight", adversarial.weight, "weight of the encoder's loss against the discriminator",
                  "adversarial_weight")
          .reads(
              is_adversarial,
              [](const Autoencoder& l) {
                return Arguments{{"prior", l.adversarial->prior},
                                 {"discriminator", l.adversarial->discriminator},
                                 {"weight", l.adversarial->weight}};
              },
              [](Autoencoder l, const Arguments& a) {
                return make_adversarial(std::move(l), std::get<std::string>(a.at(0).second),
                                        std::get<std::vector<int64_t>>(a.at(1).second), number(a, 2));
              }),
      kind("weight_decay", "weight_decay", "an L2 penalty on the encoding layer's kernel, or on every kernel")
          .not_a_type()
          .number("decay", decay.decay, "L2 penalty on the encoding layer's kernel", "weight_decay")
          .parameter(Parameter::flag("all_layers", "apply the decay to every dense and conv kernel")
                         .otherwise(decay.all_layers),
                     "weight_decay_all")
          .reads(
              has_weight_decay,
              [](const Autoencoder& l) {
                return Arguments{{"decay", l.weight_decay->decay}, {"all_layers", l.weight_decay->all_layers}};
              },
              [](Autoencoder l, const Arguments& a) {
                return add_weight_decay(std::move(l), number(a, 0), std::get<bool>(a.at(1).second));
              }),
  };
}

}  // namespace

const Parameter& VariantKind::parameter(std::string_view wanted) const {
  for (const auto& p : parameters) {
    if (p.name() == wanted) return p;
  }
  std::vector<std::string> valid;
  for (const auto& p : parameters) valid.push_back(p.name());
  throw InvalidArgument(name + ": unknown argument '" + std::string(wanted) + "' (valid: " + join(valid) + ")");
}

const std::vector<VariantKind>& variant_kinds() {
  static const std::vector<VariantKind> kinds = table();
  return kinds;
}

const VariantKind& variant_kind(std::string_view name) {
  for (const auto& kind : variant_kinds()) {
    if (kind.name == name || kind.property == name) return kind;
  }
  std::vector<std::string> names;
  for (const auto& kind : variant_kinds()) names.push_back(kind.name);
  throw unknown_name("variant", name, names);
}

Autoencoder add_variant(Autoencoder learner, const VariantKind& kind, const Arguments& given) {
  return kind.add(std::move(learner), complete_arguments(kind.name, kind.parameters, given));
}

}  // namespace hourglass

namespace hourglass {
namespace {

using Options = std::vector<std::pair<std::string, ArgumentValue>>;

// The parameter written after parameter i's value and a colon, if any ("gaussian:0.1").
bool has_suffix(const VariantKind& kind, size_t i) {
  return i + 1 < kind.parameters.size() && kind.options[i + 1].empty();
}

// "gaussian:0.1" for the noise: the type, and its parameter as a number.
void split_suffix(const VariantKind& kind, size_t i, ArgumentValue value, Arguments& arguments,
                  const VariantNaming& naming) {
  const auto* text = std::get_if<std::string>(&value);
  if (text && text->find(':') != std::string::npos) {
    const std::string after = text->substr(text->find(':') + 1);
    char* end = nullptr;
    const double number = std::strtod(after.c_str(), &end);
    if (after.empty() || end != after.c_str() + after.size()) {
      throw InvalidArgument(naming.option(kind.options[i]) + ": expected a number after ':' for " +
                            kind.parameters[i + 1].name() + ", got '" + after + "'");
    }
    arguments.emplace_back(kind.parameters[i + 1].name(), number);
    value = text->substr(0, text->find(':'));
  }
  arguments.emplace(arguments.begin(), kind.parameters[i].name(), std::move(value));
}

// The kind's parameters among `options`, by parameter name.
Arguments arguments_of(const VariantKind& kind, const Options& options, const VariantNaming& naming) {
  Arguments arguments;
  for (size_t i = 0; i < kind.parameters.size(); ++i) {
    if (kind.options[i].empty()) continue;
    for (const auto& [name, value] : options) {
      if (name != kind.options[i]) continue;
      if (has_suffix(kind, i)) {
        split_suffix(kind, i, value, arguments, naming);
      } else {
        arguments.emplace_back(kind.parameters[i].name(), value);
      }
    }
  }
  return arguments;
}

// "--sparsity/--sparsity-weight": the kind's options as messages name them.
std::string options_of(const VariantKind& kind, const VariantNaming& naming) {
  std::vector<std::string> names;
  for (const auto& option : kind.options) {
    if (!option.empty()) names.push_back(naming.option(option));
  }
  return join(names, "/");
}

// Refuses an unknown option, a parameter whose variant is not chosen, and a property that
// is not a type (weight decay) given without its first option.
void check_options(const std::vector<std::string>& chosen, const std::string& types, const Options& options,
                   const VariantNaming& naming) {
  const auto known = variant_option_names();
  for (const auto& [name, value] : options) {
    if (std::find(known.begin(), known.end(), name) == known.end()) throw unknown_name("variant option", name, known);
  }
  for (const auto& kind : variant_kinds()) {
    const auto given = std::find_if(kind.options.begin(), kind.options.end(), [&](const std::string& option) {
      return !option.empty() &&
             std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.first == option; });
    });
    if (given == kind.options.end()) continue;
    if (kind.is_type && std::find(chosen.begin(), chosen.end(), kind.name) == chosen.end()) {
      throw InvalidArgument(options_of(kind, naming) + " applies to the " + kind.name + " variant, but " +
                            naming.types + " is '" + types + "'; add " + kind.name + " to " + naming.types);
    }
    if (!kind.is_type && given != kind.options.begin()) {
      throw InvalidArgument(naming.option(*given) + " needs " + naming.option(kind.options.front()) + ", which adds " +
                            kind.help);
    }
  }
}

// "basic" and the types of the table.
const Registry<const VariantKind*>& type_registry() {
  static const Registry<const VariantKind*> registry = [] {
    Registry<const VariantKind*> r("autoencoder type");
    r.add("basic", nullptr);
    for (const auto& kind : variant_kinds()) {
      if (kind.is_type) r.add(kind.name, &kind);
    }
    return r;
  }();
  return registry;
}

}  // namespace

const std::vector<std::string>& variant_names() {
  static const std::vector<std::string> names = type_registry().names();
  return names;
}

Autoencoder make_variant(Autoencoder learner, const std::string& types) {
  return make_variants(std::move(learner), types, {});
}

std::vector<std::string> variant_option_names() {
  std::vector<std::string> names;
  for (const auto& kind : variant_kinds()) {
    for (const auto& option : kind.options) {
      if (!option.empty()) names.push_back(option);
    }
  }
  return names;
}

Autoencoder make_variants(Autoencoder learner, const std::string& types, const Options& options,
                          const VariantNaming& naming) {
  std::vector<std::string> chosen;
  std::string type;
  for (char c : types + ",") {
    if (c == ' ') continue;
    if (c != ',') {
      type += c;
    } else if (!type.empty()) {
      chosen.push_back(std::move(type));
      type.clear();
    }
  }
  // Variational last: it may turn the code layer into a variational one (with a warning),
  // so a combination it refuses fails before that.
  std::stable_partition(chosen.begin(), chosen.end(), [](const std::string& t) { return t != "variational"; });
  check_options(chosen, types, options, naming);
  for (const auto& name : chosen) {
    // Unknown names are refused with the valid ones; "basic" adds nothing.
    if (const VariantKind* kind = type_registry().at(name)) {
      learner = add_variant(std::move(learner), *kind, arguments_of(*kind, options, naming));
    }
  }
  for (const auto& kind : variant_kinds()) {
    const Arguments arguments = arguments_of(kind, options, naming);
    if (!kind.is_type && !arguments.empty()) learner = add_variant(std::move(learner), kind, arguments);
  }
  return learner;
}

}  // namespace hourglass
