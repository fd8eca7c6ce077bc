// output(activation): the reconstruction, shaped like the data. After one dimension it
// is dense; after conv layers it is a "same" conv back to the data's channels; after a
// sequence (lstm or gru with return_sequences, repeat_vector) it is one dense layer
// applied at every step (per_step, which the network sets by itself there).
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"
#include "layers/conv.hpp"
#include "layers/dense.hpp"
#include "nn/activation.hpp"

namespace hourglass {
namespace {

Layer output_conv(const Layer& layer, int64_t channels) {
  return conv(channels, kOutputKernelSize, layer.activation());
}

// The data's channels per step: a 1-D sample read as a sequence has one.
int64_t step_channels(const Shape& data) { return data.size() == 1 ? 1 : data[0]; }

bool per_step(const Layer& layer, const Shape& in) { return layer.flag("per_step") && in.size() == 2; }

// Units x L -> C x L: the same Linear on every step's vector, then the activation.
void build_per_step(ModuleBuilder& builder, const Layer& layer, int64_t units, int64_t channels) {
  torch::nn::Linear linear(torch::nn::LinearOptions(units, channels));
  initialize_like_keras(linear->weight, linear->bias, layer.activation());
  builder.add_function([](const torch::Tensor& x) { return x.transpose(1, 2); });
  builder.add(linear);
  builder.kernel(linear->weight);
  builder.add_function([](const torch::Tensor& x) { return x.transpose(1, 2); });
  builder.add_activation(layer.activation());
}

std::string export_per_step(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& out,
                            const torch::nn::LinearImpl& linear) {
  const std::vector<int64_t> swap{0, 2, 1};
  const auto steps = onnx.node("Transpose", {x}, {{"perm", swap}});
  const auto mapped = onnx.node("Add", {onnx.node("MatMul", {steps, onnx.initializer("weight", linear.weight.t())}),
                                        onnx.initializer("bias", linear.bias)});
  const auto y = nn::onnx_activation(onnx, layer.activation(), onnx.node("Transpose", {mapped}, {{"perm", swap}}));
  return out.size() == 1 ? onnx.reshape(y, out) : y;
}

class OutputKind : public LayerKind {
 public:
  OutputKind()
      : LayerKind("output", "the reconstruction layer, as wide as the data",
                  {Parameter::name("activation", "activation function").activation().otherwise(std::string("linear")),
                   Parameter::flag("per_step", "after a sequence (units x L): one dense layer applied at every step")
                       .otherwise(false)}) {}
  LayerRole role() const override { return LayerRole::output; }
  std::vector<std::string> printed_positionally() const override { return {"activation"}; }
  std::string summary_type(const Layer& layer) const override {
    return (layer.flag("per_step") ? "Dense per step, " : "Dense, ") + layer.activation();
  }

  Shape output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check) const override {
    const Shape& data = check.network_input();
    if (per_step(layer, in)) {
      if (data.size() > 2 || in[1] != data.back()) {
        check.fail("maps each of its steps to the data's channels, so it must have the data's length " +
                   std::to_string(data.back()) + " (data " + shape_to_string(data) +
                   "); make repeat_vector(n) or the sequence as long as the data");
      }
      return data;
    }
    if (in.size() > 1 && (in.size() != data.size() || !std::equal(in.begin() + 1, in.end(), data.begin() + 1))) {
      check.fail("must give the data's shape " + shape_to_string(data) +
                 "; change the pooling/upsampling so that the sides match");
    }
    return data;
  }
  ParameterCount parameter_count(const Layer& layer, const Shape& in, const Shape& out) const override {
    if (in.size() == 1) return {dense_parameters(in[0], shape_size(out))};
    if (per_step(layer, in)) return {dense_parameters(in[0], step_channels(out))};
    return {convolution_parameters(output_conv(layer, out[0]), in, out)};
  }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape& in, const Shape& out) const override {
    if (in.size() == 1) {
      build_dense(builder, in[0], shape_size(out), layer.activation());
    } else if (per_step(layer, in)) {
      build_per_step(builder, layer, in[0], step_channels(out));
    } else {
      build_convolution(builder, output_conv(layer, out[0]), in);
    }
  }
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& in,
                          const Shape& out, const LayerModules& modules) const override {
    if (in.size() == 1) return export_dense(onnx, x, modules.get<torch::nn::LinearImpl>(layer), layer.activation());
    if (per_step(layer, in)) return export_per_step(onnx, x, layer, out, modules.get<torch::nn::LinearImpl>(layer));
    return export_convolution(onnx, x, output_conv(layer, out[0]), in, modules);
  }
};

}  // namespace

LayerKindPtr output_kind() { return std::make_shared<OutputKind>(); }

}  // namespace hourglass
