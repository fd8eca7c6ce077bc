// input(): the data, as wide (or shaped) as the data is.
#include "hourglass/nn/module_builder.hpp"
#include "layers/builtin.hpp"

namespace hourglass {
namespace {

class InputKind : public LayerKind {
 public:
  InputKind() : LayerKind("input", "the data; its width comes from the data", {}) {}
  LayerRole role() const override { return LayerRole::input; }
  std::string summary_type(const Layer&) const override { return "InputLayer"; }
  Shape output_shape(const Layer&, const Shape&, const ShapeCheck& check) const override {
    return check.network_input();
  }
  void build(ModuleBuilder&, const Layer&, const Shape&, const Shape&) const override {}
  std::string export_onnx(OnnxBuilder&, const std::string& x, const Layer&, const Shape&, const Shape&,
                          const LayerModules&) const override {
    return x;
  }
};

}  // namespace

LayerKindPtr input_kind() { return std::make_shared<InputKind>(); }

}  // namespace hourglass
