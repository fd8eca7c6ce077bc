#include "regularizers/penalties.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "hourglass/network/layer.hpp"
#include "support/fixtures.hpp"

namespace hourglass::regularizers {
namespace {

using nn::activation_function;
using nn::ActivationFunction;

// sum_j KL(p || q_j) written out cell by cell, in double, as ruta computes it: the mean
// clipped to [low + eps, high - eps], then mapped from [low, high] to (0, 1).
double kl_sum(const at::Tensor& code, double low, double high, double p) {
  double sum = 0;
  for (int64_t j = 0; j < code.size(1); ++j) {
    double mean = 0;
    for (int64_t i = 0; i < code.size(0); ++i) mean += code[i][j].item<double>();
    mean /= static_cast<double>(code.size(0));
    mean = std::min(std::max(mean, low + kSparsityEpsilon), high - kSparsityEpsilon);
    const double q = (mean - low) / (high - low);
    sum += p * std::log(p / q) + (1 - p) * std::log((1 - p) / (1 - q));
  }
  return sum;
}

TEST(Sparsity, MatchesTheKlFormulaAndAppliesTheWeight) {
  torch::manual_seed(1);
  const auto sigmoid_code = torch::rand({7, 5}, torch::kDouble);
  EXPECT_NEAR(sparsity_penalty(sigmoid_code, 0.0, Sparsity{0.1, 0.2}).item<double>(),
              0.2 * kl_sum(sigmoid_code, 0, 1, 0.1), 1e-12);
  // tanh codes live in [-1, 1]: the mean is mapped to (0, 1) before the KL divergence.
  const auto tanh_code = torch::rand({7, 5}, torch::kDouble) * 2 - 1;
  EXPECT_NEAR(sparsity_penalty(tanh_code, -1.0, Sparsity{0.05, 3.0}).item<double>(),
              3.0 * kl_sum(tanh_code, -1, 1, 0.05), 1e-12);
}

TEST(Sparsity, UnboundedActivationsAreClipped) {
  // relu means above 1 are clipped to 1 - eps, as ruta does.
  const auto code = torch::tensor({{0.0, 3.0}, {0.0, 5.0}}, torch::kDouble);
  const double penalty = sparsity_penalty(code, 0.0, Sparsity{0.1, 1.0}).item<double>();
  EXPECT_NEAR(penalty, kl_sum(code.clamp(0, 1), 0, 1, 0.1), 1e-9);
  EXPECT_TRUE(std::isfinite(penalty));
}

TEST(Sparsity, UsesRutasLowValueOfEachActivation) {
  // ruta's table: 0 for sigmoid, relu and softplus, -1.7581 for selu, -1 for the rest
  // (hard_sigmoid, bounded in [0, 1], reads 0 here).
  for (const auto& [name, low] : std::vector<std::pair<std::string, double>>{{"sigmoid", 0.0},
                                                                             {"relu", 0.0},
                                                                             {"softplus", 0.0},
                                                                             {"selu", -1.7581},
                                                                             {"linear", -1.0},
                                                                             {"tanh", -1.0},
                                                                             {"elu", -1.0},
                                                                             {"hard_sigmoid", 0.0}}) {
    EXPECT_DOUBLE_EQ(activation_function(name).sparsity_low, low) << name;
  }
  const auto code = torch::tensor({{-1.5, 0.3}, {-0.5, 0.9}}, torch::kDouble);
  EXPECT_NEAR(sparsity_penalty(code, -1.7581, Sparsity{0.1, 1.0}).item<double>(), kl_sum(code, -1.7581, 1, 0.1), 1e-12);
}

TEST(Sparsity, IsZeroAtTheTargetAndItsGradientMatchesFiniteDifferences) {
  const auto at_target = torch::full({4, 3}, 0.1, torch::kDouble);
  EXPECT_NEAR(sparsity_penalty(at_target, 0.0, Sparsity{}).item<double>(), 0.0, 1e-15);

  torch::manual_seed(2);
  const auto code = (torch::rand({6, 3}, torch::kDouble) * 0.8 + 0.1).requires_grad_(true);
  auto penalty = [](const at::Tensor& c) { return sparsity_penalty(c, 0.0, Sparsity{0.1, 0.2}); };
  penalty(code).backward();
  EXPECT_TRUE(torch::allclose(code.grad(), testing::finite_difference_gradient(penalty, code.detach()), 1e-6, 1e-7));
}

// ||J||_F^2 of x -> f(W x + b) by central finite differences, one row at a time.
at::Tensor finite_difference_norms(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b,
                                   const ActivationFunction& f) {
  const double h = 1e-6;
  auto norms = torch::zeros({x.size(0)}, torch::kDouble);
  for (int64_t row = 0; row < x.size(0); ++row) {
    double sum = 0;
    for (int64_t j = 0; j < x.size(1); ++j) {
      auto up = x[row].clone(), down = x[row].clone();
      up[j] += h;
      down[j] -= h;
      const auto column = (f.apply(w.mv(up) + b) - f.apply(w.mv(down) + b)) / (2 * h);
      sum += column.square().sum().item<double>();
    }
    norms[row] = sum;
  }
  return norms;
}

TEST(Contraction, ClosedFormAutogradAndFiniteDifferencesAgreeForEveryActivation) {
  torch::manual_seed(4);
  const auto x = torch::randn({5, 6}, torch::kDouble);
  const auto w = torch::randn({3, 6}, torch::kDouble) * 0.5;
  const auto b = torch::randn({3}, torch::kDouble) * 0.1;
  for (const auto& [name, activation] : nn::activations().entries()) {
    const ActivationFunction& f = *activation;
    if (!f.derivative) continue;  // softmax is not elementwise: the autograd path takes it
    const auto z = x.matmul(w.t()) + b;
    const auto closed = jacobian_norms_one_layer(w, z, f);

    const auto input = x.clone().requires_grad_(true);
    const auto code = f.apply(input.matmul(w.t()) + b);
    const auto by_autograd = jacobian_norms_autograd(input, code, false);

    const auto numeric = finite_difference_norms(x, w, b, f);
    EXPECT_TRUE(torch::allclose(closed, by_autograd, 1e-10, 1e-12)) << name;
    EXPECT_TRUE(torch::allclose(closed, numeric, 1e-5, 1e-6)) << name;
  }
}

TEST(Contraction, AutogradHandlesADeeperEncoder) {
  torch::manual_seed(5);
  const auto x = torch::randn({4, 5}, torch::kDouble);
  const auto w1 = torch::randn({4, 5}, torch::kDouble), w2 = torch::randn({2, 4}, torch::kDouble);
  const auto input = x.clone().requires_grad_(true);
  const auto code = torch::tanh(torch::tanh(input.matmul(w1.t())).matmul(w2.t()));
  const auto norms = jacobian_norms_autograd(input, code, false);
  // The chain rule by hand: J = diag(1 - h2^2) W2 diag(1 - h1^2) W1.
  for (int64_t row = 0; row < x.size(0); ++row) {
    const auto h1 = torch::tanh(w1.mv(x[row]));
    const auto h2 = torch::tanh(w2.mv(h1));
    const auto jacobian = torch::diag(1 - h2.square()).mm(w2).mm(torch::diag(1 - h1.square())).mm(w1);
    EXPECT_NEAR(norms[row].item<double>(), jacobian.square().sum().item<double>(), 1e-10) << row;
  }
}

TEST(Contraction, ClosedFormGradientMatchesFiniteDifferences) {
  torch::manual_seed(6);
  const auto x = torch::randn({4, 3}, torch::kDouble);
  const auto w = (torch::randn({2, 3}, torch::kDouble) * 0.5).requires_grad_(true);
  auto penalty = [&](const at::Tensor& weight) {
    return jacobian_norms_one_layer(weight, x.matmul(weight.t()), activation_function("sigmoid")).mean();
  };
  penalty(w).backward();
  EXPECT_TRUE(torch::allclose(w.grad(), testing::finite_difference_gradient(penalty, w.detach()), 1e-6, 1e-7));
}

TEST(WeightDecay, IsDecayTimesTheSumOfSquares) {
  const auto a = torch::tensor({{1.0, -2.0}, {0.5, 0.0}}, torch::kDouble);
  const auto b = torch::tensor({{3.0}}, torch::kDouble);
  EXPECT_NEAR(weight_decay_penalty({a}, 0.02).item<double>(), 0.02 * (1 + 4 + 0.25), 1e-15);
  EXPECT_NEAR(weight_decay_penalty({a, b}, 0.1).item<double>(), 0.1 * (1 + 4 + 0.25 + 9), 1e-15);
  const auto w = a.clone().requires_grad_(true);
  weight_decay_penalty({w}, 0.5).backward();
  EXPECT_TRUE(torch::allclose(w.grad(), a));  // d/dW of 0.5 * sum(W^2) is W
}

}  // namespace
}  // namespace hourglass::regularizers
