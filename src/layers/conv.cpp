// conv() and conv_transpose(): 1-D on CxL samples, 2-D on CxHxW, then the activation,
// then at most one of max_pooling, average_pooling and upsampling.
#include "layers/conv.hpp"

#include "hourglass/error.hpp"
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"
#include "nn/activation.hpp"

namespace hourglass {
namespace {

namespace F = torch::nn::functional;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

constexpr const char* kResamplings[] = {"max_pooling", "average_pooling", "upsampling"};

// The resampling a layer asks for ("" for none) and its factor.
std::pair<std::string, int64_t> resampling(const Layer& layer) {
  for (const char* name : kResamplings) {
    if (layer.given(name)) return {name, layer.integer(name)};
  }
  return {"", 0};
}

bool transposed(const Layer& layer) { return layer.is("conv_transpose"); }

// One side through the convolution, then the resampling: the rule Keras follows, with
// pooling following the padding ("same" keeps a partial last window).
int64_t output_side(const Layer& layer, int64_t side, const ShapeCheck& check) {
  const bool same = layer.text("padding") == "same";
  const int64_t k = layer.integer("kernel_size"), s = layer.integer("strides");
  if (!transposed(layer)) {
    if (!same && side < k) {
      check.fail("has a kernel of " + std::to_string(k) + " wider than a side of " + std::to_string(side) +
                 " with padding=valid");
    }
    side = same ? ceil_div(side, s) : (side - k) / s + 1;
  } else {
    side = checked_product(side, s) + (same ? 0 : std::max<int64_t>(k - s, 0));
  }
  const auto [kind, f] = resampling(layer);
  if (kind == "upsampling") return checked_product(side, f);
  if (!kind.empty()) {
    if (!same && side < f) {
      check.fail("pools by " + std::to_string(f) + " a side of " + std::to_string(side) +
                 ", which would shrink it below 1");
    }
    side = same ? ceil_div(side, f) : side / f;
  }
  return side;
}

// What a side gains before and after.
struct SidePadding {
  int64_t before = 0, after = 0;
};

// Keras's "same" padding for a stride, per spatial side in order: as even as possible,
// the extra cell at the end. The modules and the ONNX export both take it from here.
std::vector<SidePadding> same_padding(const Layer& layer, const Shape& in) {
  const int64_t kernel = layer.integer("kernel_size"), stride = layer.integer("strides");
  std::vector<SidePadding> pads;
  if (layer.text("padding") != "same") return pads;
  for (size_t d = 1; d < in.size(); ++d) {
    const int64_t out = ceil_div(in[d], stride);
    const int64_t total = std::max<int64_t>((out - 1) * stride + kernel - in[d], 0);
    pads.push_back({total / 2, total - total / 2});
  }
  return pads;
}

// A transposed convolution's output side is (in - 1) * s + k + output_padding. Keras
// gives in * s for "same" and in * s + max(k - s, 0) for "valid": pad up at the end
// when k < s, and for "same" crop evenly when k > s.
int64_t transposed_output_padding(const Layer& layer) {
  return std::max<int64_t>(layer.integer("strides") - layer.integer("kernel_size"), 0);
}
SidePadding transposed_crop(const Layer& layer) {
  if (layer.text("padding") != "same") return {};
  const int64_t crop = std::max<int64_t>(layer.integer("kernel_size") - layer.integer("strides"), 0);
  return {crop / 2, crop - crop / 2};
}

template <typename Conv, typename Options>
void append_forward(ModuleBuilder& builder, const Layer& layer, const Shape& in) {
  const int64_t k = layer.integer("kernel_size"), s = layer.integer("strides");
  std::vector<int64_t> pads;  // F::pad wants the last dimension first
  const auto sides = same_padding(layer, in);
  for (auto side = sides.rbegin(); side != sides.rend(); ++side) pads.insert(pads.end(), {side->before, side->after});
  if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p > 0; })) {
    builder.add_function([pads](const torch::Tensor& x) { return F::pad(x, F::PadFuncOptions(pads)); });
  }
  Conv conv(Options(in[0], layer.integer("filters"), k).stride(s).bias(layer.flag("use_bias")));
  initialize_like_keras(conv->weight, conv->bias, layer.activation());
  builder.add(conv);
  builder.kernel(conv->weight);
}

template <typename ConvT, typename Options>
void append_transposed(ModuleBuilder& builder, const Layer& layer, const Shape& in) {
  ConvT conv(Options(in[0], layer.integer("filters"), layer.integer("kernel_size"))
                 .stride(layer.integer("strides"))
                 .output_padding(transposed_output_padding(layer))
                 .bias(layer.flag("use_bias")));
  initialize_like_keras(conv->weight, conv->bias, layer.activation());
  builder.add(conv);
  builder.kernel(conv->weight);
  const SidePadding crop = transposed_crop(layer);
  if (crop.before + crop.after > 0) {
    const auto spatial = static_cast<int64_t>(in.size()) - 1;
    builder.add_function([crop, spatial](const torch::Tensor& x) {
      auto y = x;
      for (int64_t d = 2; d < 2 + spatial; ++d) y = y.narrow(d, crop.before, y.size(d) - crop.before - crop.after);
      return y;
    });
  }
}

void append_resampling(ModuleBuilder& builder, const Layer& layer, bool two_d) {
  const auto [kind, f] = resampling(layer);
  const bool keep_partial = layer.text("padding") == "same";
  if (kind == "max_pooling") {
    if (two_d)
      builder.add(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(f).ceil_mode(keep_partial)));
    else
      builder.add(torch::nn::MaxPool1d(torch::nn::MaxPool1dOptions(f).ceil_mode(keep_partial)));
  } else if (kind == "average_pooling") {
    // Without padding, a partial window is averaged over the cells it covers (as Keras).
    if (two_d)
      builder.add(torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(f).ceil_mode(keep_partial)));
    else
      builder.add(torch::nn::AvgPool1d(torch::nn::AvgPool1dOptions(f).ceil_mode(keep_partial)));
  } else if (kind == "upsampling") {
    const auto factor = static_cast<double>(f);
    builder.add(
        torch::nn::Upsample(torch::nn::UpsampleOptions()
                                .scale_factor(two_d ? std::vector<double>{factor, factor} : std::vector<double>{factor})
                                .mode(torch::kNearest)));
  }
}

// ONNX's pads: every side's start, then every side's end.
std::vector<int64_t> onnx_pads(const std::vector<SidePadding>& sides) {
  std::vector<int64_t> pads;
  for (const auto& side : sides) pads.push_back(side.before);
  for (const auto& side : sides) pads.push_back(side.after);
  return pads;
}

template <typename ConvModule>
std::string export_convolution_module(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& in,
                                      const ConvModule& conv) {
  const auto spatial = in.size() - 1;
  const std::vector<int64_t> kernel(spatial, layer.integer("kernel_size")), strides(spatial, layer.integer("strides"));
  std::vector<std::string> inputs{x, onnx.initializer("weight", conv.weight)};
  if (conv.bias.defined()) inputs.push_back(onnx.initializer("bias", conv.bias));
  if (!transposed(layer)) {
    auto sides = same_padding(layer, in);
    sides.resize(spatial);
    return onnx.node("Conv", inputs, {{"kernel_shape", kernel}, {"strides", strides}, {"pads", onnx_pads(sides)}});
  }
  return onnx.node("ConvTranspose", inputs,
                   {{"kernel_shape", kernel},
                    {"strides", strides},
                    {"output_padding", std::vector<int64_t>(spatial, transposed_output_padding(layer))},
                    {"pads", onnx_pads(std::vector<SidePadding>(spatial, transposed_crop(layer)))}});
}

std::string export_resampling(OnnxBuilder& onnx, const std::string& x, const Layer& layer, size_t spatial) {
  const auto [kind, f] = resampling(layer);
  const std::vector<int64_t> window(spatial, f);
  const int64_t keep_partial = layer.text("padding") == "same";
  if (kind == "max_pooling") {
    return onnx.node("MaxPool", {x}, {{"kernel_shape", window}, {"strides", window}, {"ceil_mode", keep_partial}});
  }
  if (kind == "average_pooling") {
    return onnx.node("AveragePool", {x},
                     {{"kernel_shape", window},
                      {"strides", window},
                      {"ceil_mode", keep_partial},
                      {"count_include_pad", int64_t{0}}});
  }
  if (kind == "upsampling") {
    // LibTorch's nearest: the source cell is floor(target / factor).
    std::vector<float> scales(spatial + 2, static_cast<float>(f));
    scales[0] = scales[1] = 1.0f;
    return onnx.node("Resize", {x, "", onnx.initializer("scales", at::tensor(scales))},
                     {{"mode", std::string("nearest")},
                      {"coordinate_transformation_mode", std::string("asymmetric")},
                      {"nearest_mode", std::string("floor")}});
  }
  return x;
}

std::vector<Parameter> convolution_parameters_in_ruta_order() {
  const auto factor = [](const char* name, const char* help) {
    return Parameter::integer(name, help).at_least(1).optional();
  };
  return {Parameter::integer("filters", "output channels").at_least(1),
          Parameter::integer("kernel_size", "side of the (square) kernel").at_least(1),
          Parameter::name("padding", "\"same\" keeps the side (divided by the stride), \"valid\" pads nothing")
              .one_of({"same", "valid"})
              .otherwise(std::string("same")),
          factor("max_pooling", "max pooling by this factor after the activation"),
          factor("average_pooling", "average pooling by this factor after the activation"),
          factor("upsampling", "nearest upsampling by this factor after the activation"),
          Parameter::name("activation", "activation function").activation().otherwise(std::string("linear")),
          Parameter::integer("strides", "step of the kernel").at_least(1).otherwise(int64_t{1}),
          Parameter::flag("use_bias", "add a bias per filter").otherwise(true)};
}

class ConvolutionKind : public LayerKind {
 public:
  ConvolutionKind(std::string name, std::string help, std::string summary)
      : LayerKind(std::move(name), std::move(help), convolution_parameters_in_ruta_order()),
        summary_(std::move(summary)) {}

  LayerRole role() const override { return LayerRole::spatial; }
  bool reads_shaped_samples() const override { return true; }
  bool upsamples(const Layer& layer) const override { return transposed(layer) || layer.given("upsampling"); }
  std::string summary_type(const Layer& layer) const override { return summary_ + ", " + layer.activation(); }

  void validate(const Layer& layer) const override {
    int resamplings = 0;
    for (const char* name : kResamplings) resamplings += layer.given(name);
    if (resamplings > 1) {
      throw InvalidArgument(name() + ": choose one of max_pooling, average_pooling and upsampling per layer");
    }
  }
  // ruta's order, unless the third argument is an activation: conv(16, 3, relu) reads as meant.
  std::vector<std::string> positional_order(const std::vector<std::string>& positional) const override {
    const auto activations = activation_names();
    if (positional.size() >= 3 &&
        std::find(activations.begin(), activations.end(), positional[2]) != activations.end()) {
      return {"filters",         "kernel_size", "activation", "padding", "max_pooling",
              "average_pooling", "upsampling",  "strides",    "use_bias"};
    }
    return LayerKind::positional_order(positional);
  }
  std::vector<std::string> printed_positionally() const override { return {"filters", "kernel_size", "activation"}; }

  Shape output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check) const override {
    return convolution_output_shape(layer, in, check);
  }
  ParameterCount parameter_count(const Layer& layer, const Shape& in, const Shape& out) const override {
    return {convolution_parameters(layer, in, out)};
  }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape& in, const Shape&) const override {
    build_convolution(builder, layer, in);
  }
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& in, const Shape&,
                          const LayerModules& modules) const override {
    return export_convolution(onnx, x, layer, in, modules);
  }

 private:
  std::string summary_;
};

}  // namespace

Shape convolution_output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check) {
  if (in.size() != 2 && in.size() != 3) {
    check.fail("needs channels-first samples of shape CxL (1-D) or CxHxW (2-D)" +
               std::string(in.size() == 1 ? "; tabular data has no channels: read images (IDX) or an .npy of shape "
                                            "NxCxHxW, or use reshape() before it"
                                          : ""));
  }
  Shape out = in;
  out[0] = layer.integer("filters");
  for (size_t d = 1; d < in.size(); ++d) out[d] = output_side(layer, in[d], check);
  return out;
}

int64_t convolution_parameters(const Layer& layer, const Shape& in, const Shape& out) {
  int64_t weights = checked_product(in[0], out[0]);
  for (size_t d = 1; d < in.size(); ++d) weights = checked_product(weights, layer.integer("kernel_size"));
  return weights + (layer.flag("use_bias") ? out[0] : 0);
}

void build_convolution(ModuleBuilder& builder, const Layer& layer, const Shape& in) {
  const bool two_d = in.size() == 3;
  if (!transposed(layer)) {
    if (two_d)
      append_forward<torch::nn::Conv2d, torch::nn::Conv2dOptions>(builder, layer, in);
    else
      append_forward<torch::nn::Conv1d, torch::nn::Conv1dOptions>(builder, layer, in);
  } else {
    if (two_d)
      append_transposed<torch::nn::ConvTranspose2d, torch::nn::ConvTranspose2dOptions>(builder, layer, in);
    else
      append_transposed<torch::nn::ConvTranspose1d, torch::nn::ConvTranspose1dOptions>(builder, layer, in);
  }
  builder.add_activation(layer.activation());
  append_resampling(builder, layer, two_d);
}

std::string export_convolution(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& in,
                               const LayerModules& modules) {
  const bool two_d = in.size() == 3;
  std::string y;
  if (!transposed(layer)) {
    y = two_d ? export_convolution_module(onnx, x, layer, in, modules.get<torch::nn::Conv2dImpl>(layer))
              : export_convolution_module(onnx, x, layer, in, modules.get<torch::nn::Conv1dImpl>(layer));
  } else {
    y = two_d ? export_convolution_module(onnx, x, layer, in, modules.get<torch::nn::ConvTranspose2dImpl>(layer))
              : export_convolution_module(onnx, x, layer, in, modules.get<torch::nn::ConvTranspose1dImpl>(layer));
  }
  return export_resampling(onnx, nn::onnx_activation(onnx, layer.activation(), y), layer, in.size() - 1);
}

LayerKindPtr conv_kind() {
  return std::make_shared<ConvolutionKind>(
      "conv", "convolution, 1-D on CxL and 2-D on CxHxW samples; then the activation, then pooling or upsampling",
      "Conv");
}

LayerKindPtr conv_transpose_kind() {
  return std::make_shared<ConvolutionKind>(
      "conv_transpose", "transposed convolution for decoders: \"same\" padding multiplies the side by the stride",
      "ConvTranspose");
}

}  // namespace hourglass
