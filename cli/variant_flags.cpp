// --type and the variants' parameter flags (--sparsity, --noise, ...): every flag, its
// help and its default come from the declaration of the variants (variant_kinds()).
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "common.hpp"
#include "hourglass/variants/variant_kind.hpp"

namespace hourglass::cli {
namespace {

// A value as the command line writes it: 0.1, true, normal, 64,64; none for an unset one.
std::string flag_text(const ArgumentValue& value) {
  if (const auto* sizes = std::get_if<std::vector<int64_t>>(&value)) {
    std::vector<std::string> items;
    for (int64_t size : *sizes) items.push_back(std::to_string(size));
    return join(items, ",");
  }
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  if (std::holds_alternative<std::monostate>(value)) return "none";
  return argument_to_string(value);
}

std::string to_upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

// The parameter written after parameter i's value and a colon, if any ("gaussian:0.1").
const Parameter* suffix_of(const VariantKind& kind, size_t i) {
  return i + 1 < kind.parameters.size() && kind.options[i + 1].empty() ? &kind.parameters[i + 1] : nullptr;
}

std::string flag_help(const VariantKind& kind, size_t i) {
  const Parameter& parameter = kind.parameters[i];
  std::string help = (kind.is_type ? kind.name + ": " : "") + parameter.help();
  if (const Parameter* suffix = suffix_of(kind, i)) {
    help += "; " + to_upper(parameter.name()) + ":" + to_upper(suffix->name()) + " also sets " + suffix->help();
  }
  if (parameter.type() != ArgumentType::flag) help += " (default " + flag_text(parameter.default_value()) + ")";
  return help;
}

ArgumentValue parse_value(const Parameter& parameter, const std::string& flag, const std::string& text) {
  switch (parameter.type()) {
    case ArgumentType::flag:
      return true;
    case ArgumentType::name:
      return text;
    case ArgumentType::integer:
    case ArgumentType::number: {
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) {
        throw InvalidArgument(flag + ": expected a number for " + parameter.name() + ", got '" + text + "'");
      }
      return value;  // Parameter::checked makes a whole number of it where one is wanted
    }
    case ArgumentType::sizes: {
      std::vector<int64_t> sizes;
      for (const auto& item : split_list(text)) {
        const bool digits =
            !item.empty() && item.size() <= 9 && item.find_first_not_of("0123456789") == std::string::npos;
        if (!digits) {
          throw InvalidArgument(flag + ": expected hidden sizes such as " + flag_text(parameter.default_value()) +
                                ", got '" + text + "'");
        }
        sizes.push_back(std::stoll(item));
      }
      return sizes;
    }
  }
  return std::monostate{};
}

}  // namespace

void VariantFlags::add(CLI::App& command) {
  command.add_option("--type", types,
                     "autoencoder variants, several joined by commas: " + join(variant_names()) + " (default basic)");
  for (const auto& kind : variant_kinds()) {
    for (size_t i = 0; i < kind.parameters.size(); ++i) {
      const std::string name = kind.options[i];
      if (name.empty()) continue;
      if (kind.parameters[i].type() == ArgumentType::flag) {
        command.add_flag_callback(
            "--" + kebab(name), [this, name] { values[name] = "true"; }, flag_help(kind, i));
      } else {
        command
            .add_option_function<std::string>(
                "--" + kebab(name), [this, name](const std::string& text) { values[name] = text; }, flag_help(kind, i))
            ->type_name(to_upper(argument_type_name(kind.parameters[i].type())));
      }
    }
  }
}

Autoencoder VariantFlags::apply(Autoencoder learner) const {
  std::vector<std::pair<std::string, ArgumentValue>> options;
  for (const auto& kind : variant_kinds()) {
    for (size_t i = 0; i < kind.parameters.size(); ++i) {
      const auto given = values.find(kind.options[i]);
      if (kind.options[i].empty() || given == values.end()) continue;
      // A parameter with another after it takes its text whole ("gaussian:0.1").
      options.emplace_back(kind.options[i],
                           suffix_of(kind, i)
                               ? ArgumentValue(given->second)
                               : parse_value(kind.parameters[i], "--" + kebab(given->first), given->second));
    }
  }
  VariantNaming naming;
  naming.types = "--type";
  naming.option = [](const std::string& name) { return "--" + kebab(name); };
  return make_variants(std::move(learner), types, options, naming);
}

}  // namespace hourglass::cli
