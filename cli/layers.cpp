#include <iostream>

#include "common.hpp"
#include "hourglass/network/layer_kind.hpp"

namespace hourglass::cli {
namespace {

std::string default_text(const Parameter& parameter) {
  if (parameter.required()) return "required";
  const auto& value = parameter.default_value();
  if (std::holds_alternative<std::monostate>(value)) return "default none";
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "default TRUE" : "default FALSE";
  if (const auto* i = std::get_if<int64_t>(&value)) return "default " + std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return "default " + format_number(*d);
  if (const auto* s = std::get_if<std::string>(&value)) return "default " + *s;
  return "";
}

void print_kind(const LayerKind& kind) {
  std::string signature = kind.name() + "(";
  for (size_t i = 0; i < kind.parameters().size(); ++i) signature += (i ? ", " : "") + kind.parameters()[i].name();
  std::cout << signature << ")\n  " << kind.help() << '\n';
  for (const auto& p : kind.parameters()) {
    std::cout << "  " << p.name() << ": " << p.describe() << " (" << default_text(p) << "); " << p.help() << '\n';
  }
}

}  // namespace

// Every line comes from the kinds' own definitions (LayerKind): a kind registered by a
// plugin is listed as the built-in ones are.
void add_layers_command(CLI::App& app) {
  auto* command = app.add_subcommand("layers", "List the layer kinds a network spec can use, with their arguments");
  auto name = std::make_shared<std::string>();
  command->add_option("kind", *name, "one kind to describe (default: all)");
  command->callback([name] {
    if (!name->empty()) {
      print_kind(layer_kind(*name));
      return;
    }
    for (const LayerKind* kind : layer_kinds()) print_kind(*kind);
  });
}

}  // namespace hourglass::cli
