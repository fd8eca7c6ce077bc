// dropout(rate): zeroes a fraction of its inputs in training.
#include "hourglass/nn/module_builder.hpp"
#include "layers/builtin.hpp"

namespace hourglass {
namespace {

class DropoutKind : public LayerKind {
 public:
  DropoutKind()
      : LayerKind("dropout", "sets a fraction of its inputs to zero at each training step",
                  {Parameter::number("rate", "fraction of units dropped").at_least(0).below(1).otherwise(0.5)}) {}
  std::vector<std::string> printed_positionally() const override { return {"rate"}; }
  Shape output_shape(const Layer&, const Shape& in, const ShapeCheck&) const override { return in; }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape&, const Shape&) const override {
    builder.add(torch::nn::Dropout(layer.number("rate")));
  }
  // Outside training, dropout passes its input on.
  std::string export_onnx(OnnxBuilder&, const std::string& x, const Layer&, const Shape&, const Shape&,
                          const LayerModules&) const override {
    return x;
  }
};

}  // namespace

LayerKindPtr dropout_kind() { return std::make_shared<DropoutKind>(); }

}  // namespace hourglass
