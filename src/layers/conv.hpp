// The convolution arithmetic conv(), conv_transpose() and a shaped output() share:
// Keras's "same"/"valid" padding, strides, pooling and upsampling, written once for
// the shape rule, the modules and the ONNX export.
#pragma once

#include "hourglass/network/layer_kind.hpp"

namespace hourglass {

/// The output shape of a conv or conv_transpose layer for input `in` (CxL or CxHxW).
Shape convolution_output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check);
/// Its weights: in_channels x filters x kernel^dims, plus the bias.
int64_t convolution_parameters(const Layer& layer, const Shape& in, const Shape& out);
/// Appends its padding, convolution, activation and resampling.
void build_convolution(ModuleBuilder& builder, const Layer& layer, const Shape& in);
/// The same as ONNX nodes on `x`, with the weights of the modules build_convolution made.
std::string export_convolution(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& in,
                               const LayerModules& modules);

}  // namespace hourglass
