// Layer kinds: each kind of layer (dense, conv, ...) is defined once, as a LayerKind:
// its name, its arguments with their defaults and checks, its shape rule, its parameter
// count, how it prints in a summary and which LibTorch modules it becomes. The spec
// parser, Network's summary and checks, the model file, `hourglass layers` and the R
// constructors all read the definition, so a new kind is one file and one
// register_layer_kind() call.
//
//   class ScaleKind : public LayerKind {   // multiplies its input by a constant
//    public:
//     ScaleKind() : LayerKind("scale", "multiplies by a constant",
//                             {Parameter::number("factor", "the constant").otherwise(2.0)}) {}
//     Shape output_shape(const Layer&, const Shape& in, const ShapeCheck&) const override { return in; }
//     void build(ModuleBuilder& b, const Layer& layer, const Shape&, const Shape&) const override {
//       const double factor = layer.number("factor");
//       b.add_function([factor](const torch::Tensor& x) { return x * factor; });
//     }
//     // Optional: its ONNX form, for Model::export_onnx (hourglass/onnx/onnx_builder.hpp).
//     std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape&,
//                             const Shape&, const LayerModules&) const override {
//       return onnx.node("Mul", {x, onnx.scalar(layer.number("factor"))});
//     }
//   };
//   register_layer_kind(std::make_shared<ScaleKind>());
//   parse_network("input() + dense(2) + scale(factor=3) + output()");   // works everywhere
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hourglass/network/layer.hpp"

namespace hourglass {

class ModuleBuilder;  // hourglass/nn/module_builder.hpp
class LayerModules;   // hourglass/nn/module_builder.hpp
class OnnxBuilder;    // hourglass/onnx/onnx_builder.hpp

enum class ArgumentType { integer, number, flag, name, sizes };
/// "integer", "number", "flag", "name" or "sizes": the type as bindings and forms name it.
const char* argument_type_name(ArgumentType type);

/// One argument of a layer kind: its name, type, default and the values it accepts.
class Parameter {
 public:
  static Parameter integer(std::string name, std::string help);
  static Parameter number(std::string name, std::string help);
  /// TRUE/FALSE (true/false in spec strings).
  static Parameter flag(std::string name, std::string help);
  /// A name such as an activation or a padding.
  static Parameter name(std::string name, std::string help);
  /// One or more positive integers; takes every remaining positional argument.
  static Parameter sizes(std::string name, std::string help);

  /// The value when the argument is left out; without it the argument is required.
  Parameter& otherwise(ArgumentValue value);
  /// Optional, none when left out (ruta's NULL).
  Parameter& optional() { return otherwise(std::monostate{}); }
  Parameter& at_least(double minimum);
  Parameter& at_most(double maximum);
  /// Exclusive bounds.
  Parameter& above(double bound);
  Parameter& below(double bound);
  Parameter& one_of(std::vector<std::string> choices);
  /// One of the registered activations.
  Parameter& activation();

  const std::string& name() const { return name_; }
  ArgumentType type() const { return type_; }
  const std::string& help() const { return help_; }
  bool required() const { return required_; }
  const ArgumentValue& default_value() const { return default_; }
  /// The names a name argument accepts (empty: any).
  std::vector<std::string> choices() const;
  /// "integer >= 1", "one of same, valid": what `hourglass layers` and messages show.
  std::string describe() const;

  /// The value, converted where that is lossless (an integer for a number); throws
  /// InvalidArgument "<kind>: <name> must be ..., got ..." when it does not fit.
  ArgumentValue checked(const std::string& kind, ArgumentValue value) const;

 private:
  Parameter(std::string name, ArgumentType type, std::string help);
  std::string name_;
  ArgumentType type_;
  std::string help_;
  bool required_ = true;
  ArgumentValue default_;
  double minimum_ = -1e300, maximum_ = 1e300;
  bool minimum_inclusive_ = true, maximum_inclusive_ = true;
  std::vector<std::string> choices_;
  bool activation_ = false;
};

/// Every one of `parameters`, in order: the value `given` by its name, checked, or its
/// default. InvalidArgument naming `kind` for an unknown name (listing the valid ones),
/// a missing required value or a value that does not fit. How the declared variants and
/// callbacks (variant_kind.hpp, callback_kind.hpp) take their arguments.
Arguments complete_arguments(const std::string& kind, const std::vector<Parameter>& parameters, const Arguments& given);

/// Weights of a layer: trainable, and frozen (batch norm's running statistics).
struct ParameterCount {
  int64_t trainable = 0;
  int64_t frozen = 0;
};

/// What a layer is to the network around it.
enum class LayerRole {
  input,    ///< input(): first and once
  output,   ///< output(): last
  code,     ///< a layer with units that may hold the code (ruta's encoding_index takes the middle one)
  spatial,  ///< a convolution: a conv-only network encodes before its first upsampling
  other,
};

/// Where a shape rule reports a layer that does not fit what it receives.
class ShapeCheck {
 public:
  /// `where` writes the start of the message ("network '...': dense(2) at position 1
  /// receives shape 4x4 but "), only when it is needed.
  ShapeCheck(const Shape& network_input, std::function<std::string()> where)
      : network_input_(network_input), where_(std::move(where)) {}
  /// The shape the network's input has (the data's, or flattened): what output() gives.
  const Shape& network_input() const { return network_input_; }
  /// Throws InvalidArgument naming the network, the layer, its position and the shape it
  /// receives, followed by `what`.
  [[noreturn]] void fail(const std::string& what) const;

 private:
  const Shape& network_input_;
  std::function<std::string()> where_;
};

class LayerKind {
 public:
  LayerKind(std::string name, std::string help, std::vector<Parameter> parameters);
  virtual ~LayerKind() = default;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<Parameter>& parameters() const { return parameters_; }
  /// nullptr when the kind has no such argument.
  const Parameter* parameter(std::string_view name) const;

  virtual LayerRole role() const { return LayerRole::other; }
  /// True for a spatial layer that enlarges its input (upsampling, conv_transpose).
  virtual bool upsamples(const Layer&) const { return false; }
  /// True when a network with this layer sees samples in their own shape (channels
  /// first); a network of dense layers only reads them flat.
  virtual bool reads_shaped_samples() const { return false; }
  /// True when the layer gives a sequence of vectors (units x L) that an output() right
  /// after it maps step by step, as Keras's TimeDistributed(Dense) (lstm and gru with
  /// return_sequences, repeat_vector).
  virtual bool yields_time_steps(const Layer&) const { return false; }
  /// True for a kind that may only be the network's code layer (variational).
  virtual bool must_be_code() const { return false; }
  /// True for a kind a network may end with instead of output().
  virtual bool may_end_network() const { return role() == LayerRole::output || role() == LayerRole::spatial; }

  /// Checks across arguments (each argument was checked on its own before).
  virtual void validate(const Layer&) const {}
  /// The parameter names positional arguments bind to, given the positional texts: the
  /// parameters in order, by default (conv takes an activation in third place).
  virtual std::vector<std::string> positional_order(const std::vector<std::string>& positional) const;
  /// Arguments that to_string() writes by position, in this order; the others it writes
  /// as name=value when they differ from the default. By default, the required ones.
  virtual std::vector<std::string> printed_positionally() const;

  /// The shape of one output sample for an input sample of shape `in`; check.fail()
  /// when the layer cannot take it.
  virtual Shape output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check) const = 0;
  /// Its weights between those shapes, without building anything (a model file's
  /// sizes are checked with it before memory is taken).
  virtual ParameterCount parameter_count(const Layer&, const Shape& /*in*/, const Shape& /*out*/) const { return {}; }
  /// Its type in a summary, Keras's style: "Dense, tanh".
  virtual std::string summary_type(const Layer& layer) const;
  /// Appends the LibTorch modules that compute the layer (batch first, channels first).
  virtual void build(ModuleBuilder& builder, const Layer& layer, const Shape& in, const Shape& out) const = 0;
  /// Writes the layer's inference form (what the model computes outside training) as
  /// ONNX nodes on `x`, a batch of `in`, reading the weights from the modules build()
  /// made; returns the name of the output, a batch of `out`. By default it throws
  /// InvalidArgument naming the kind: a kind that cannot be exported.
  virtual std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& in,
                                  const Shape& out, const LayerModules& modules) const;

 private:
  std::string name_, help_;
  std::vector<Parameter> parameters_;
};

/// Adds a kind (and other names for it) to every place layers are read. Throws
/// InvalidArgument when a name is taken. Register before building networks that use it.
void register_layer_kind(std::shared_ptr<const LayerKind> kind, const std::vector<std::string>& aliases = {});
/// Throws InvalidArgument listing the kinds for an unknown name.
const LayerKind& layer_kind(std::string_view name);
/// Every registered kind, in registration order.
std::vector<const LayerKind*> layer_kinds();
/// Their names and aliases.
std::vector<std::string> layer_kind_names();

}  // namespace hourglass
