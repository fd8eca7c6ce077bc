// The variants' penalties as plain tensor functions, so that tests can compare each
// with its formula and its gradient with finite differences. The training objective
// (model/objective.hpp) decides which apply and adds them to the reconstruction loss.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "hourglass/variants/autoencoder.hpp"
#include "nn/activation.hpp"

namespace hourglass::regularizers {

/// Keras's epsilon: keeps the KL divergence finite when a mean activation reaches 0 or 1.
constexpr double kSparsityEpsilon = 1e-7;

/// weight * sum_j KL(p || q_j), as ruta computes it: the batch mean of code unit j is
/// clipped to [low + eps, 1 - eps] and mapped from [low, 1] to q_j in (0, 1), `low`
/// being the activation's "inactive" value (ActivationFunction::sparsity_low).
/// code: rows x units.
at::Tensor sparsity_penalty(const at::Tensor& code, double low, const Sparsity& sparsity);

/// ||J(x)||_F^2 for every row of a one-dense-layer encoder h = f(z), z = x W^T + b:
/// sum_i f'(z_i)^2 sum_j W_ij^2. weight: units x inputs, z: rows x units. The activation
/// must be elementwise (have a derivative).
at::Tensor jacobian_norms_one_layer(const at::Tensor& weight, const at::Tensor& z,
                                    const nn::ActivationFunction& activation);

/// ||J(x)||_F^2 for every row by autograd, one backward pass per code unit. `input`
/// must require grad and `code` must be computed from it row by row. With
/// create_graph the result can itself be differentiated (for training).
at::Tensor jacobian_norms_autograd(const at::Tensor& input, const at::Tensor& code, bool create_graph);

/// decay * sum of the squared entries of every kernel given.
at::Tensor weight_decay_penalty(const std::vector<at::Tensor>& kernels, double decay);

}  // namespace hourglass::regularizers
