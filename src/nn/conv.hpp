// The modules a conv or conv_transpose layer spec becomes, 1-D or 2-D by the rank of
// the shape it receives: padding, convolution, activation, pooling or upsampling.
#pragma once

#include "hourglass/network/layer.hpp"
#include "nn/activation.hpp"

namespace hourglass::nn {

/// Appends the layer's modules to `stage` for samples of shape `in` (channels first)
/// and returns the convolution's kernel. Network::output_shapes has checked the shapes.
torch::Tensor append_conv(torch::nn::Sequential& stage, const Layer& layer, const Shape& in);

/// Keras initialisation of a dense or conv kernel: glorot_uniform, or lecun_normal
/// (truncated at two standard deviations) for selu; zero bias.
void keras_init(torch::Tensor& weight, torch::Tensor& bias, Activation activation);

}  // namespace hourglass::nn
