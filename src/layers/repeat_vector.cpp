// repeat_vector(n): a code of units -> the same vector at each of n steps (units x n),
// so that a recurrent decoder can unroll it (Keras's RepeatVector).
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"

namespace hourglass {
namespace {

class RepeatVectorKind : public LayerKind {
 public:
  RepeatVectorKind()
      : LayerKind("repeat_vector", "units -> units x n: the vector at each of n steps, for a recurrent decoder",
                  {Parameter::integer("n", "number of steps").at_least(1)}) {}
  bool reads_shaped_samples() const override { return true; }
  bool yields_time_steps(const Layer&) const override { return true; }

  Shape output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check) const override {
    if (in.size() != 1) check.fail("repeats a vector; give it one dimension (e.g. after lstm(16) or dense(16))");
    return {in[0], layer.integer("n")};
  }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape&, const Shape&) const override {
    const int64_t n = layer.integer("n");
    builder.add_function([n](const torch::Tensor& x) { return x.unsqueeze(2).expand({-1, -1, n}); });
  }
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape&, const Shape&,
                          const LayerModules&) const override {
    const auto column = onnx.node("Unsqueeze", {x, onnx.int64s({2})});
    return onnx.node("Expand", {column, onnx.int64s({1, 1, layer.integer("n")})});
  }
};

}  // namespace

LayerKindPtr repeat_vector_kind() { return std::make_shared<RepeatVectorKind>(); }

}  // namespace hourglass
