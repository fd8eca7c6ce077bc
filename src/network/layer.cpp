#include "hourglass/network/layer.hpp"

#include <algorithm>
#include <numeric>

#include "hourglass/error.hpp"
#include "hourglass/network/layer_kind.hpp"

namespace hourglass {
std::string argument_to_string(const ArgumentValue& value) {
  struct Printer {
    std::string operator()(std::monostate) const { return "NULL"; }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return format_number(v); }
    std::string operator()(bool v) const { return v ? "TRUE" : "FALSE"; }
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(const std::vector<int64_t>& v) const {
      std::string out;
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
      return out;
    }
  };
  return std::visit(Printer{}, value);
}

Layer::Layer() : Layer("input") {}

Layer::Layer(std::string_view kind, const Arguments& arguments) : kind_(&layer_kind(kind)) {
  const std::string& name = kind_->name();
  for (const auto& [key, value] : arguments) {
    if (!kind_->parameter(key)) {
      std::vector<std::string> valid;
      for (const auto& p : kind_->parameters()) valid.push_back(p.name());
      throw InvalidArgument(name + ": unknown argument '" + key +
                            "' (valid: " + (valid.empty() ? "none" : join(valid)) + ")");
    }
  }
  for (const auto& parameter : kind_->parameters()) {
    ArgumentValue value;
    for (const auto& [key, given] : arguments) {
      if (key == parameter.name()) value = given;
    }
    arguments_.emplace_back(parameter.name(), parameter.checked(name, value));
  }
  kind_->validate(*this);
}

const std::string& Layer::kind_name() const { return kind_->name(); }

const ArgumentValue& Layer::argument(std::string_view name) const {
  for (const auto& [key, value] : arguments_) {
    if (key == name) return value;
  }
  throw InvalidArgument(kind_name() + " has no argument '" + std::string(name) + "'");
}

bool Layer::given(std::string_view name) const { return !std::holds_alternative<std::monostate>(argument(name)); }

namespace {

template <typename T>
const T& typed(const Layer& layer, std::string_view name, const char* type) {
  const auto* value = std::get_if<T>(&layer.argument(name));
  if (!value) throw InvalidArgument(layer.kind_name() + ": argument '" + std::string(name) + "' is not " + type);
  return *value;
}

}  // namespace

int64_t Layer::integer(std::string_view name) const { return typed<int64_t>(*this, name, "an integer"); }
double Layer::number(std::string_view name) const { return typed<double>(*this, name, "a number"); }
bool Layer::flag(std::string_view name) const { return typed<bool>(*this, name, "a flag"); }
const std::string& Layer::text(std::string_view name) const { return typed<std::string>(*this, name, "a name"); }
const Shape& Layer::sizes(std::string_view name) const { return typed<Shape>(*this, name, "a list of sizes"); }

Layer Layer::with(std::string_view name, ArgumentValue value) const {
  Arguments changed = arguments_;
  argument(name);  // throws for a name the kind lacks
  for (auto& [key, v] : changed) {
    if (key == name) v = std::move(value);
  }
  return Layer(kind_name(), changed);
}

int64_t Layer::units() const {
  for (const char* name : {"units", "filters"}) {
    if (kind_->parameter(name) && given(name)) return integer(name);
  }
  return 0;
}

std::string Layer::activation() const {
  return kind_->parameter("activation") && given("activation") ? text("activation") : "linear";
}

std::string Layer::to_string() const {
  std::string out = kind_name() + "(";
  const auto positional = kind_->printed_positionally();
  bool first = true;
  const auto append = [&](const std::string& text) {
    out += (first ? "" : ", ") + text;
    first = false;
  };
  for (const auto& name : positional) append(argument_to_string(argument(name)));
  for (const auto& parameter : kind_->parameters()) {
    const auto& name = parameter.name();
    if (std::find(positional.begin(), positional.end(), name) != positional.end()) continue;
    const auto& value = argument(name);
    if (value != parameter.default_value()) append(name + "=" + argument_to_string(value));
  }
  return out + ")";
}

bool Layer::operator==(const Layer& other) const { return kind_ == other.kind_ && arguments_ == other.arguments_; }

Layer input() { return Layer("input"); }

Layer dense(int64_t units, const std::string& activation) {
  return Layer("dense", {{"units", units}, {"activation", activation}});
}

Layer output(const std::string& activation) { return Layer("output", {{"activation", activation}}); }

Layer dropout(double rate) { return Layer("dropout", {{"rate", rate}}); }

Layer batch_norm() { return Layer("batch_norm"); }

Layer variational(int64_t units, double epsilon_std) {
  return Layer("variational", {{"units", units}, {"epsilon_std", epsilon_std}});
}

namespace {

Layer convolution(const char* kind, int64_t filters, int64_t kernel_size, const std::string& activation,
                  const ConvOptions& options) {
  Arguments arguments = {{"filters", filters},          {"kernel_size", kernel_size},  {"activation", activation},
                         {"padding", options.padding_}, {"strides", options.strides_}, {"use_bias", options.use_bias_}};
  if (!options.resampling_.empty()) arguments.emplace_back(options.resampling_, options.factor_);
  return Layer(kind, arguments);
}

}  // namespace

Layer conv(int64_t filters, int64_t kernel_size, const std::string& activation, const ConvOptions& options) {
  return convolution("conv", filters, kernel_size, activation, options);
}

Layer conv_transpose(int64_t filters, int64_t kernel_size, const std::string& activation, const ConvOptions& options) {
  return convolution("conv_transpose", filters, kernel_size, activation, options);
}

Layer lstm(int64_t units, const std::string& activation, bool return_sequences) {
  return Layer("lstm", {{"units", units}, {"activation", activation}, {"return_sequences", return_sequences}});
}

Layer gru(int64_t units, const std::string& activation, bool return_sequences) {
  return Layer("gru", {{"units", units}, {"activation", activation}, {"return_sequences", return_sequences}});
}

Layer repeat_vector(int64_t n) { return Layer("repeat_vector", {{"n", n}}); }

Layer flatten() { return Layer("flatten"); }

Layer reshape(const Shape& dims) { return Layer("reshape", {{"dims", dims}}); }

int64_t checked_product(int64_t a, int64_t b) {
  int64_t product = 0;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &product) || product > kMaxValues) {
    throw InvalidArgument("sizes " + std::to_string(a) + " x " + std::to_string(b) +
                          " give more than 2^40 values; use smaller layers or data");
  }
  return product;
}

int64_t shape_size(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, checked_product);
}

}  // namespace hourglass
