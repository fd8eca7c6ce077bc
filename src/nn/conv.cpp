#include "nn/conv.hpp"

#include <cmath>

namespace hourglass::nn {
namespace {

namespace F = torch::nn::functional;

// Keras' "same" padding for a stride: as even as possible, the extra cell at the end.
std::vector<int64_t> same_padding(const Shape& in, int64_t kernel, int64_t stride) {
  std::vector<int64_t> pads;  // F::pad wants the last dimension first
  for (size_t d = in.size() - 1; d >= 1; --d) {
    const int64_t out = (in[d] + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((out - 1) * stride + kernel - in[d], 0);
    pads.push_back(total / 2);
    pads.push_back(total - total / 2);
  }
  return pads;
}

struct Kernel {
  torch::Tensor weight, bias;
};

template <typename Conv, typename ConvOptions>
Kernel append_forward_conv(torch::nn::Sequential& stage, const Layer& layer, const Shape& in) {
  if (layer.conv.padding_ == "same") {
    auto pads = same_padding(in, layer.kernel_size, layer.conv.strides_);
    if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p > 0; })) {
      stage->push_back(
          torch::nn::Functional([pads](const torch::Tensor& x) { return F::pad(x, F::PadFuncOptions(pads)); }));
    }
  }
  Conv conv(ConvOptions(in[0], layer.units, layer.kernel_size).stride(layer.conv.strides_));
  stage->push_back(conv);
  return {conv->weight, conv->bias};
}

template <typename ConvT, typename ConvTOptions>
Kernel append_transposed_conv(torch::nn::Sequential& stage, const Layer& layer, const Shape& in) {
  // Unpadded, the output side is (in - 1) * s + k (plus output_padding). Keras gives
  // in * s for "same" and in * s + max(k - s, 0) for "valid": pad up when k < s,
  // crop evenly when k > s.
  const int64_t k = layer.kernel_size, s = layer.conv.strides_;
  ConvT conv(ConvTOptions(in[0], layer.units, k).stride(s).output_padding(std::max<int64_t>(s - k, 0)));
  stage->push_back(conv);
  const int64_t crop = layer.conv.padding_ == "same" ? std::max<int64_t>(k - s, 0) : 0;
  if (crop > 0) {
    const auto spatial = static_cast<int64_t>(in.size()) - 1;
    stage->push_back(torch::nn::Functional([crop, spatial](const torch::Tensor& x) {
      auto y = x;
      for (int64_t d = 2; d < 2 + spatial; ++d) y = y.narrow(d, crop / 2, y.size(d) - crop);
      return y;
    }));
  }
  return {conv->weight, conv->bias};
}

void append_resampling(torch::nn::Sequential& stage, const Layer& layer, bool two_d) {
  const int64_t f = layer.conv.factor_;
  const bool keep_partial = layer.conv.padding_ == "same";
  switch (layer.conv.resampling_) {
    case Resampling::max_pooling:
      if (two_d)
        stage->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(f).ceil_mode(keep_partial)));
      else
        stage->push_back(torch::nn::MaxPool1d(torch::nn::MaxPool1dOptions(f).ceil_mode(keep_partial)));
      break;
    case Resampling::average_pooling:
      // Without padding, a partial window is averaged over the cells it covers (as Keras).
      if (two_d)
        stage->push_back(torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(f).ceil_mode(keep_partial)));
      else
        stage->push_back(torch::nn::AvgPool1d(torch::nn::AvgPool1dOptions(f).ceil_mode(keep_partial)));
      break;
    case Resampling::upsampling: {
      const auto factor = static_cast<double>(f);
      stage->push_back(torch::nn::Upsample(
          torch::nn::UpsampleOptions()
              .scale_factor(two_d ? std::vector<double>{factor, factor} : std::vector<double>{factor})
              .mode(torch::kNearest)));
      break;
    }
    case Resampling::none:
      break;
  }
}

}  // namespace

torch::Tensor append_conv(torch::nn::Sequential& stage, const Layer& layer, const Shape& in) {
  const bool two_d = in.size() == 3;
  Kernel kernel;
  if (layer.type == LayerType::conv) {
    kernel = two_d ? append_forward_conv<torch::nn::Conv2d, torch::nn::Conv2dOptions>(stage, layer, in)
                   : append_forward_conv<torch::nn::Conv1d, torch::nn::Conv1dOptions>(stage, layer, in);
  } else {
    kernel =
        two_d ? append_transposed_conv<torch::nn::ConvTranspose2d, torch::nn::ConvTranspose2dOptions>(stage, layer, in)
              : append_transposed_conv<torch::nn::ConvTranspose1d, torch::nn::ConvTranspose1dOptions>(stage, layer, in);
  }
  const Activation activation = activation_from_name(layer.activation);
  keras_init(kernel.weight, kernel.bias, activation);
  if (activation != Activation::linear) stage->push_back(ActivationLayer(activation));
  append_resampling(stage, layer, two_d);
  return kernel.weight;
}

void keras_init(torch::Tensor& weight, torch::Tensor& bias, Activation activation) {
  torch::NoGradGuard no_grad;
  // Keras' fans: the kernel's input and output channels times the receptive field.
  // weight is out x in x k... for dense and conv, in x out x k... for transposed conv,
  // whose Keras kernel is also stored the other way round.
  const double receptive_field = static_cast<double>(weight[0][0].numel());
  const double fan_in = static_cast<double>(weight.size(1)) * receptive_field;
  const double fan_out = static_cast<double>(weight.size(0)) * receptive_field;
  if (activation == Activation::selu) {
    // 0.8796 is the standard deviation of a unit normal truncated at +-2.
    const double stddev = std::sqrt(1.0 / fan_in) / 0.87962566103423978;
    weight.normal_(0.0, stddev);
    for (auto outside = weight.abs() > 2 * stddev; outside.any().item<bool>(); outside = weight.abs() > 2 * stddev) {
      weight.masked_scatter_(outside, torch::randn_like(weight) * stddev);
    }
  } else {
    const double limit = std::sqrt(6.0 / (fan_in + fan_out));
    weight.uniform_(-limit, limit);
  }
  bias.zero_();
}

}  // namespace hourglass::nn
