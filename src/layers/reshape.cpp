// reshape(dims...): n -> dims (channels first), so that a dense decoder can feed conv layers.
#include "hourglass/error.hpp"
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"

namespace hourglass {
namespace {

class ReshapeKind : public LayerKind {
 public:
  ReshapeKind()
      : LayerKind("reshape", "n -> the given sizes (channels first), so that a dense decoder can feed conv layers",
                  {Parameter::sizes("dims", "1 to 3 sizes, channels first, e.g. reshape(8, 4, 4)")}) {}
  bool reads_shaped_samples() const override { return true; }
  void validate(const Layer& layer) const override {
    if (layer.sizes("dims").size() > 3) {
      throw InvalidArgument("reshape: expected 1 to 3 positive sizes (channels first, e.g. reshape(8, 4, 4)), got (" +
                            shape_to_string(layer.sizes("dims")) + ")");
    }
  }
  Shape output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check) const override {
    const Shape& dims = layer.sizes("dims");
    if (shape_size(dims) != shape_size(in)) {
      check.fail("holds " + std::to_string(shape_size(in)) + " values and the target holds " +
                 std::to_string(shape_size(dims)));
    }
    return dims;
  }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape&, const Shape&) const override {
    std::vector<int64_t> sizes{-1};
    const Shape& dims = layer.sizes("dims");
    sizes.insert(sizes.end(), dims.begin(), dims.end());
    builder.add_function([sizes](const torch::Tensor& x) { return x.reshape(sizes); });
  }
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape&, const Shape&,
                          const LayerModules&) const override {
    return onnx.reshape(x, layer.sizes("dims"));
  }
};

}  // namespace

LayerKindPtr reshape_kind() { return std::make_shared<ReshapeKind>(); }

}  // namespace hourglass
