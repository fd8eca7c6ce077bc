// The fully connected arithmetic that dense() and a flat output() share.
#pragma once

#include <torch/nn/modules/linear.h>

#include <string>

namespace hourglass {

class ModuleBuilder;

/// Appends a Keras-initialised Linear(in, out) and its activation; returns the Linear.
torch::nn::Linear build_dense(ModuleBuilder& builder, int64_t in, int64_t out, const std::string& activation,
                              bool use_bias = true);
/// Its weights: in * out, plus out for the bias.
int64_t dense_parameters(int64_t in, int64_t out, bool use_bias = true);

}  // namespace hourglass
