// The fully connected arithmetic that dense() and a flat output() share.
#pragma once

#include <torch/nn/modules/linear.h>

#include <string>

namespace hourglass {

class ModuleBuilder;
class OnnxBuilder;

/// Appends a Keras-initialised Linear(in, out) and its activation; returns the Linear.
torch::nn::Linear build_dense(ModuleBuilder& builder, int64_t in, int64_t out, const std::string& activation,
                              bool use_bias = true);
/// Its ONNX form on `x` (a Gemm, then the activation); returns the output's name.
std::string export_dense(OnnxBuilder& onnx, const std::string& x, const torch::nn::LinearImpl& linear,
                         const std::string& activation);
/// Its weights: in * out, plus out for the bias.
int64_t dense_parameters(int64_t in, int64_t out, bool use_bias = true);

}  // namespace hourglass
