// flatten(): CxHxW -> C*H*W, so that a conv encoder can end in a dense code.
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"

namespace hourglass {
namespace {

class FlattenKind : public LayerKind {
 public:
  FlattenKind() : LayerKind("flatten", "CxHxW -> C*H*W, so that a conv encoder can end in a dense code", {}) {}
  bool reads_shaped_samples() const override { return true; }
  Shape output_shape(const Layer&, const Shape& in, const ShapeCheck&) const override { return {shape_size(in)}; }
  void build(ModuleBuilder& builder, const Layer&, const Shape&, const Shape&) const override {
    builder.add(torch::nn::Flatten());
  }
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer&, const Shape&, const Shape&,
                          const LayerModules&) const override {
    return onnx.node("Flatten", {x}, {{"axis", int64_t{1}}});
  }
};

}  // namespace

LayerKindPtr flatten_kind() { return std::make_shared<FlattenKind>(); }

}  // namespace hourglass
