// dense(units, activation): a fully connected layer.
#include "layers/dense.hpp"

#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"
#include "nn/activation.hpp"

namespace hourglass {

torch::nn::Linear build_dense(ModuleBuilder& builder, int64_t in, int64_t out, const std::string& activation,
                              bool use_bias) {
  torch::nn::Linear linear(torch::nn::LinearOptions(in, out).bias(use_bias));
  initialize_like_keras(linear->weight, linear->bias, activation);
  builder.add(linear);
  builder.kernel(linear->weight);
  builder.add_activation(activation);
  return linear;
}

std::string export_dense(OnnxBuilder& onnx, const std::string& x, const torch::nn::LinearImpl& linear,
                         const std::string& activation) {
  // Gemm computes x W^T + b with LibTorch's out x in weight as it is.
  std::vector<std::string> inputs{x, onnx.initializer("weight", linear.weight)};
  if (linear.bias.defined()) inputs.push_back(onnx.initializer("bias", linear.bias));
  return nn::onnx_activation(onnx, activation, onnx.node("Gemm", inputs, {{"transB", int64_t{1}}}));
}

int64_t dense_parameters(int64_t in, int64_t out, bool use_bias) {
  return checked_product(in, out) + (use_bias ? out : 0);
}

namespace {

class DenseKind : public LayerKind {
 public:
  DenseKind()
      : LayerKind("dense", "fully connected layer",
                  {Parameter::integer("units", "output width").at_least(1),
                   Parameter::name("activation", "activation function").activation().otherwise(std::string("linear")),
                   Parameter::flag("use_bias", "add a bias vector").otherwise(true)}) {}
  LayerRole role() const override { return LayerRole::code; }
  std::vector<std::string> printed_positionally() const override { return {"units", "activation"}; }
  std::string summary_type(const Layer& layer) const override { return "Dense, " + layer.activation(); }

  Shape output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check) const override {
    if (in.size() != 1) check.fail("takes one dimension; add flatten() before it");
    return {layer.integer("units")};
  }
  ParameterCount parameter_count(const Layer& layer, const Shape& in, const Shape& out) const override {
    return {dense_parameters(in[0], out[0], layer.flag("use_bias"))};
  }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape& in, const Shape& out) const override {
    builder.dense_code(build_dense(builder, in[0], out[0], layer.activation(), layer.flag("use_bias")));
  }
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape&, const Shape&,
                          const LayerModules& modules) const override {
    return export_dense(onnx, x, modules.get<torch::nn::LinearImpl>(layer), layer.activation());
  }
};

}  // namespace

LayerKindPtr dense_kind() { return std::make_shared<DenseKind>(); }

}  // namespace hourglass
