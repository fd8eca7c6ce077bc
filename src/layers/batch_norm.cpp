// batch_norm(): normalises each feature or channel over the batch, Keras's defaults.
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"

namespace hourglass {
namespace {

class BatchNormKind : public LayerKind {
 public:
  BatchNormKind() : LayerKind("batch_norm", "batch normalisation (Keras's momentum 0.99 and epsilon 1e-3)", {}) {}
  std::string summary_type(const Layer&) const override { return "BatchNormalization"; }
  Shape output_shape(const Layer&, const Shape& in, const ShapeCheck&) const override { return in; }
  // Per feature or channel: a scale and a shift, and the running mean and variance.
  ParameterCount parameter_count(const Layer&, const Shape& in, const Shape&) const override {
    return {2 * in[0], 2 * in[0]};
  }
  void build(ModuleBuilder& builder, const Layer&, const Shape& in, const Shape&) const override {
    // PyTorch counts momentum the other way round: 1 - 0.99.
    if (in.size() == 3) {
      builder.add(torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(in[0]).momentum(0.01).eps(1e-3)));
    } else {
      builder.add(torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(in[0]).momentum(0.01).eps(1e-3)));
    }
  }
  // Inference form: the running statistics.
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& in, const Shape&,
                          const LayerModules& modules) const override {
    const auto export_with = [&](const auto& norm) {
      return onnx.node(
          "BatchNormalization",
          {x, onnx.initializer("scale", norm.weight), onnx.initializer("bias", norm.bias),
           onnx.initializer("running_mean", norm.running_mean), onnx.initializer("running_var", norm.running_var)},
          {{"epsilon", norm.options.eps()}});
    };
    if (in.size() == 3) return export_with(modules.get<torch::nn::BatchNorm2dImpl>(layer));
    return export_with(modules.get<torch::nn::BatchNorm1dImpl>(layer));
  }
};

}  // namespace

LayerKindPtr batch_norm_kind() { return std::make_shared<BatchNormKind>(); }

}  // namespace hourglass
