// output(activation): the reconstruction, shaped like the data. After one dimension it
// is dense; after conv layers it is a "same" conv back to the data's channels.
#include "hourglass/nn/module_builder.hpp"
#include "layers/builtin.hpp"
#include "layers/conv.hpp"
#include "layers/dense.hpp"

namespace hourglass {
namespace {

Layer output_conv(const Layer& layer, int64_t channels) {
  return conv(channels, kOutputKernelSize, layer.activation());
}

class OutputKind : public LayerKind {
 public:
  OutputKind()
      : LayerKind(
            "output", "the reconstruction layer, as wide as the data",
            {Parameter::name("activation", "activation function").activation().otherwise(std::string("linear"))}) {}
  LayerRole role() const override { return LayerRole::output; }
  std::vector<std::string> printed_positionally() const override { return {"activation"}; }
  std::string summary_type(const Layer& layer) const override { return "Dense, " + layer.activation(); }

  Shape output_shape(const Layer&, const Shape& in, const ShapeCheck& check) const override {
    const Shape& data = check.network_input();
    if (in.size() > 1 && (in.size() != data.size() || !std::equal(in.begin() + 1, in.end(), data.begin() + 1))) {
      check.fail("must give the data's shape " + shape_to_string(data) +
                 "; change the pooling/upsampling so that the sides match");
    }
    return data;
  }
  ParameterCount parameter_count(const Layer& layer, const Shape& in, const Shape& out) const override {
    if (in.size() == 1) return {dense_parameters(in[0], shape_size(out))};
    return {convolution_parameters(output_conv(layer, out[0]), in, out)};
  }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape& in, const Shape& out) const override {
    if (in.size() == 1) {
      build_dense(builder, in[0], shape_size(out), layer.activation());
    } else {
      build_convolution(builder, output_conv(layer, out[0]), in);
    }
  }
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& in,
                          const Shape& out, const LayerModules& modules) const override {
    if (in.size() == 1) return export_dense(onnx, x, modules.get<torch::nn::LinearImpl>(layer), layer.activation());
    return export_convolution(onnx, x, output_conv(layer, out[0]), in, modules);
  }
};

}  // namespace

LayerKindPtr output_kind() { return std::make_shared<OutputKind>(); }

}  // namespace hourglass
