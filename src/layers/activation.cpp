// activation(name) and leaky_relu(alpha): activations as layers of their own, as
// Keras's layer_activation() and LeakyReLU layer.
#include "nn/activation.hpp"

#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"

namespace hourglass {
namespace {

class ActivationKind : public LayerKind {
 public:
  ActivationKind()
      : LayerKind("activation", "applies an activation to its input (Keras's Activation layer)",
                  {Parameter::name("activation", "activation function").activation()}) {}
  std::string summary_type(const Layer& layer) const override { return "Activation, " + layer.activation(); }
  Shape output_shape(const Layer&, const Shape& in, const ShapeCheck&) const override { return in; }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape&, const Shape&) const override {
    builder.add_activation(layer.activation());
  }
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape&, const Shape&,
                          const LayerModules&) const override {
    return nn::onnx_activation(onnx, layer.activation(), x);
  }
};

// The activation named leaky_relu has the slope 0.2 of tf.nn.leaky_relu and Keras 2's
// activations; this layer has Keras's LeakyReLU default of 0.3, and takes any slope.
class LeakyReluKind : public LayerKind {
 public:
  LeakyReluKind()
      : LayerKind("leaky_relu", "x for x > 0, alpha * x below (Keras's LeakyReLU layer)",
                  {Parameter::number("alpha", "slope below zero").at_least(0).otherwise(0.3)}) {}
  std::vector<std::string> printed_positionally() const override { return {"alpha"}; }
  std::string summary_type(const Layer&) const override { return "LeakyReLU"; }
  Shape output_shape(const Layer&, const Shape& in, const ShapeCheck&) const override { return in; }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape&, const Shape&) const override {
    builder.add(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(layer.number("alpha"))));
  }
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape&, const Shape&,
                          const LayerModules&) const override {
    return onnx.node("LeakyRelu", {x}, {{"alpha", layer.number("alpha")}});
  }
};

}  // namespace

LayerKindPtr activation_kind() { return std::make_shared<ActivationKind>(); }
LayerKindPtr leaky_relu_kind() { return std::make_shared<LeakyReluKind>(); }

}  // namespace hourglass
