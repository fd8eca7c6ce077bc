// The variants, declared once. Each row of the table (src/variants/variant_kind.cpp)
// gives a property of a learner (sparse, denoising, ..., and weight decay): its name,
// its key in the model file, its parameters with their types, defaults and help, the
// command line's flags, and how to read it from and add it to a learner. Everything that
// offers the variants reads it:
//   - the model file's learner (src/model/serialization.cpp);
//   - the command line's --type and parameter flags, their help and defaults, and the
//     Python estimators' variant and parameter arguments (make_variants());
//   - the R package's learner spec and the defaults of its make_* functions;
//   - Autoencoder::types(), validate(), variant_names() and make_variant();
//   - the web server's training requests and its form (src/serve/server.cpp, web/app.js).
//
//   const VariantKind& sparse = variant_kind("sparse");
//   for (const auto& p : sparse.parameters) std::cout << p.name() << ": " << p.help() << '\n';
//   auto learner = add_variant(autoencoder("16,2"), sparse, {{"weight", 0.5}});  // high_probability 0.1
//   sparse.arguments(learner);  // {{"high_probability", 0.1}, {"weight", 0.5}}
//
// A new variant is a field of Autoencoder, its make_* function (which checks its
// parameters) and a row of the table.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hourglass/network/layer_kind.hpp"
#include "hourglass/variants/autoencoder.hpp"

namespace hourglass {

struct VariantKind {
  /// As --type, Autoencoder::types(), R and Python name it: "sparse".
  std::string name;
  /// The learner's property, the key of its parameters in the model file and in R's
  /// learner spec: "sparsity".
  std::string property;
  /// What it does, one sentence.
  std::string help;
  /// False for a property that is not a type of its own (weight decay): --type and
  /// types() leave it out, and its first flag adds it.
  bool is_type = true;
  /// Its parameters, with types, defaults and help. Their ranges are the make_*
  /// function's to check, with messages that say what a value means.
  std::vector<Parameter> parameters;
  /// Each parameter's name among all the variants' parameters, unique across them: what
  /// a binding with one flat list of arguments calls it (snake_case; the command line's
  /// flag is its kebab-case, --sparsity-weight). An empty one is written after the one
  /// before it and a colon: noise "gaussian:0.1" is the type and its parameter.
  std::vector<std::string> options;
  /// Whether `learner` has the property.
  std::function<bool(const Autoencoder&)> present;
  /// Its parameters' values in `learner` (which has it), in the order of `parameters`.
  std::function<Arguments(const Autoencoder&)> arguments;
  /// `learner` with the property added or replaced: every parameter given, in order, an
  /// optional one possibly none. Throws InvalidArgument for a value out of range.
  std::function<Autoencoder(Autoencoder, const Arguments&)> add;

  /// The parameter called `name`; InvalidArgument listing the valid ones otherwise.
  const Parameter& parameter(std::string_view name) const;
};

/// Every property, in the order Autoencoder::types() lists them, weight decay last.
const std::vector<VariantKind>& variant_kinds();
/// By name or property ("sparse" or "sparsity"); InvalidArgument listing the names.
const VariantKind& variant_kind(std::string_view name);
/// `learner` with the property added: `given` arguments by name, the others at their
/// defaults, each of its parameter's type (a whole number is taken for a number).
/// InvalidArgument naming an unknown argument, or a value of another type or out of range.
Autoencoder add_variant(Autoencoder learner, const VariantKind& kind, const Arguments& given = {});

/// How a binding writes names in messages: the argument that lists the variants
/// ("--type", "variant") and a parameter's option name ("--sparsity-weight").
struct VariantNaming {
  std::string types = "type";
  std::function<std::string(const std::string&)> option = [](const std::string& name) { return name; };
};

/// `learner` with the variants in `types` ("basic", "sparse" or several joined by commas,
/// variational applied last) and weight decay, their parameters given by option name
/// (VariantKind::options; a name with a parameter after it takes "NAME:VALUE" text), the
/// others at their defaults. InvalidArgument for an unknown option or variant, or a
/// parameter whose variant is not in `types`, named as `naming` writes them.
Autoencoder make_variants(Autoencoder learner, const std::string& types,
                          const std::vector<std::pair<std::string, ArgumentValue>>& options,
                          const VariantNaming& naming = {});
/// Every option name, in the table's order.
std::vector<std::string> variant_option_names();

}  // namespace hourglass
