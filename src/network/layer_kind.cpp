#include "hourglass/network/layer_kind.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>

#include "hourglass/error.hpp"
#include "hourglass/registry.hpp"
#include "network/builtin_kinds.hpp"

namespace hourglass {

Parameter::Parameter(std::string name, ArgumentType type, std::string help)
    : name_(std::move(name)), type_(type), help_(std::move(help)) {}

Parameter Parameter::integer(std::string name, std::string help) {
  return Parameter(std::move(name), ArgumentType::integer, std::move(help));
}
Parameter Parameter::number(std::string name, std::string help) {
  return Parameter(std::move(name), ArgumentType::number, std::move(help));
}
Parameter Parameter::flag(std::string name, std::string help) {
  return Parameter(std::move(name), ArgumentType::flag, std::move(help));
}
Parameter Parameter::name(std::string name, std::string help) {
  return Parameter(std::move(name), ArgumentType::name, std::move(help));
}
Parameter Parameter::sizes(std::string name, std::string help) {
  Parameter p(std::move(name), ArgumentType::sizes, std::move(help));
  p.minimum_ = 1;
  return p;
}

Parameter& Parameter::otherwise(ArgumentValue value) {
  required_ = false;
  default_ = std::move(value);
  return *this;
}
Parameter& Parameter::at_least(double minimum) {
  minimum_ = minimum;
  minimum_inclusive_ = true;
  return *this;
}
Parameter& Parameter::at_most(double maximum) {
  maximum_ = maximum;
  maximum_inclusive_ = true;
  return *this;
}
Parameter& Parameter::above(double bound) {
  minimum_ = bound;
  minimum_inclusive_ = false;
  return *this;
}
Parameter& Parameter::below(double bound) {
  maximum_ = bound;
  maximum_inclusive_ = false;
  return *this;
}
Parameter& Parameter::one_of(std::vector<std::string> choices) {
  choices_ = std::move(choices);
  return *this;
}
Parameter& Parameter::activation() {
  activation_ = true;
  return *this;
}

const char* argument_type_name(ArgumentType type) {
  switch (type) {
    case ArgumentType::integer:
      return "integer";
    case ArgumentType::number:
      return "number";
    case ArgumentType::flag:
      return "flag";
    case ArgumentType::name:
      return "name";
    case ArgumentType::sizes:
      return "sizes";
  }
  return "name";
}

Arguments complete_arguments(const std::string& kind, const std::vector<Parameter>& parameters,
                             const Arguments& given) {
  for (const auto& argument : given) {
    const std::string& name = argument.first;  // C++17 lambdas cannot capture a structured binding
    const bool known =
        std::any_of(parameters.begin(), parameters.end(), [&](const Parameter& p) { return p.name() == name; });
    if (!known) {
      std::vector<std::string> valid;
      for (const auto& p : parameters) valid.push_back(p.name());
      throw InvalidArgument(kind + ": unknown argument '" + name + "' (valid: " + join(valid) + ")");
    }
  }
  Arguments all;
  for (const auto& parameter : parameters) {
    ArgumentValue value = std::monostate{};
    for (const auto& [name, v] : given) {
      if (name == parameter.name()) value = v;
    }
    all.emplace_back(parameter.name(), parameter.checked(kind, value));
  }
  return all;
}

std::vector<std::string> Parameter::choices() const { return activation_ ? activation_names() : choices_; }

namespace {

const char* type_name(ArgumentType type) {
  switch (type) {
    case ArgumentType::integer:
      return "an integer";
    case ArgumentType::number:
      return "a number";
    case ArgumentType::flag:
      return "TRUE or FALSE";
    case ArgumentType::name:
      return "a name";
    case ArgumentType::sizes:
      return "positive integers";
  }
  return "a value";
}

}  // namespace

std::string Parameter::describe() const {
  std::string text = type_name(type_);
  const bool numeric = type_ == ArgumentType::integer || type_ == ArgumentType::number;
  if (numeric && minimum_ > -1e300) text += (minimum_inclusive_ ? " >= " : " > ") + format_number(minimum_);
  if (numeric && maximum_ < 1e300) {
    text +=
        std::string(minimum_ > -1e300 ? " and" : "") + (maximum_inclusive_ ? " <= " : " < ") + format_number(maximum_);
  }
  const auto names = choices();
  if (!names.empty()) text = "one of " + join(names);
  return text;
}

ArgumentValue Parameter::checked(const std::string& kind, ArgumentValue value) const {
  const auto fail = [&](const std::string& what) {
    return InvalidArgument(kind + ": " + name_ + " must be " + what + ", got " + argument_to_string(value));
  };
  if (std::holds_alternative<std::monostate>(value)) {
    if (required_) throw InvalidArgument(kind + ": " + name_ + " is required (" + describe() + ")");
    if (!std::holds_alternative<std::monostate>(default_)) return default_;
    return value;
  }
  const auto in_range = [&](double v) {
    return (minimum_inclusive_ ? v >= minimum_ : v > minimum_) && (maximum_inclusive_ ? v <= maximum_ : v < maximum_);
  };
  switch (type_) {
    case ArgumentType::integer: {
      // A whole number as a double (from R or a spec) is an integer; 1e40 is not.
      if (const auto* d = std::get_if<double>(&value)) {
        if (!(std::abs(*d) <= 1e15) || *d != std::floor(*d)) throw fail(describe());
        value = static_cast<int64_t>(*d);
      }
      if (const auto* b = std::get_if<bool>(&value)) value = int64_t{*b};
      const auto* v = std::get_if<int64_t>(&value);
      if (!v || !in_range(static_cast<double>(*v))) throw fail(describe());
      return value;
    }
    case ArgumentType::number: {
      if (const auto* i = std::get_if<int64_t>(&value)) value = static_cast<double>(*i);
      const auto* v = std::get_if<double>(&value);
      if (!v || !std::isfinite(*v) || !in_range(*v)) throw fail(describe());
      return value;
    }
    case ArgumentType::flag: {
      if (const auto* i = std::get_if<int64_t>(&value); i && (*i == 0 || *i == 1)) value = *i == 1;
      if (!std::holds_alternative<bool>(value)) throw fail(describe());
      return value;
    }
    case ArgumentType::name: {
      const auto* v = std::get_if<std::string>(&value);
      if (!v) throw fail(describe());
      const auto names = choices();
      if (!names.empty() && std::find(names.begin(), names.end(), *v) == names.end()) {
        throw InvalidArgument(kind + ": unknown " + name_ + " '" + *v + "' (valid: " + join(names) + ")");
      }
      return value;
    }
    case ArgumentType::sizes: {
      if (const auto* one = std::get_if<int64_t>(&value)) value = std::vector<int64_t>{*one};
      const auto* v = std::get_if<std::vector<int64_t>>(&value);
      if (!v || v->empty() || std::any_of(v->begin(), v->end(), [&](int64_t s) { return !in_range(double(s)); })) {
        throw fail(describe());
      }
      return value;
    }
  }
  return value;
}

LayerKind::LayerKind(std::string name, std::string help, std::vector<Parameter> parameters)
    : name_(std::move(name)), help_(std::move(help)), parameters_(std::move(parameters)) {}

const Parameter* LayerKind::parameter(std::string_view name) const {
  for (const auto& p : parameters_) {
    if (p.name() == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> LayerKind::positional_order(const std::vector<std::string>&) const {
  std::vector<std::string> names;
  for (const auto& p : parameters_) names.push_back(p.name());
  return names;
}

std::vector<std::string> LayerKind::printed_positionally() const {
  std::vector<std::string> names;
  for (const auto& p : parameters_) {
    if (p.required()) names.push_back(p.name());
  }
  return names;
}

std::string LayerKind::summary_type(const Layer&) const {
  // batch_norm -> BatchNorm: Keras's class-name style.
  std::string out;
  bool upper = true;
  for (char c : name_) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string LayerKind::export_onnx(OnnxBuilder&, const std::string&, const Layer& layer, const Shape&, const Shape&,
                                   const LayerModules&) const {
  throw InvalidArgument("layer " + layer.to_string() + " cannot be exported to ONNX: the layer kind '" + name_ +
                        "' has no ONNX form (its LayerKind does not override export_onnx); export a model without it");
}

void ShapeCheck::fail(const std::string& what) const { throw InvalidArgument(where_() + what); }

namespace {

struct KindRegistry {
  std::mutex mutex;
  Registry<std::shared_ptr<const LayerKind>> kinds{"layer"};
  KindRegistry() {
    register_builtin_layer_kinds([this](auto kind, auto aliases) { add(kind, aliases); });
  }
  void add(std::shared_ptr<const LayerKind> kind, const std::vector<std::string>& aliases) {
    if (!kind) throw InvalidArgument("register_layer_kind: expected a layer kind, got none");
    const std::string name = kind->name();
    kinds.add(name, std::move(kind), aliases);
  }
};

KindRegistry& registry() {
  static KindRegistry instance;
  return instance;
}

}  // namespace

void register_layer_kind(std::shared_ptr<const LayerKind> kind, const std::vector<std::string>& aliases) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.add(std::move(kind), aliases);
}

const LayerKind& layer_kind(std::string_view name) { return *registry().kinds.at(name); }

std::vector<const LayerKind*> layer_kinds() {
  std::vector<const LayerKind*> out;
  for (const auto& [name, kind] : registry().kinds.entries()) out.push_back(kind->get());
  return out;
}

std::vector<std::string> layer_kind_names() { return registry().kinds.all_names(); }

}  // namespace hourglass
