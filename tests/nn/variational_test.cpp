// The variational layer: its KL term against the closed form and a Monte Carlo
// estimate, the statistics of its reparameterised samples, and the log-variance guard.
#include "nn/variational.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace hourglass::nn {
namespace {

TEST(Variational, KlMatchesTheClosedFormPerRow) {
  // KL(N(mu, s^2) || N(0, 1)) = (s^2 + mu^2 - 1) / 2 - log s, summed over units.
  const Posterior q{torch::tensor({{1.0, 0.0}, {0.0, -2.0}}, torch::kDouble),
                    torch::tensor({{0.0, std::log(4.0)}, {0.0, 0.0}}, torch::kDouble)};
  const auto kl = kl_to_standard_normal(q);
  EXPECT_NEAR(kl[0].item<double>(), 0.5 + ((4.0 - 1.0) / 2 - std::log(2.0)), 1e-12);
  EXPECT_NEAR(kl[1].item<double>(), 2.0, 1e-12);
}

TEST(Variational, KlMatchesAMonteCarloEstimate) {
  auto generator = at::detail::createCPUGenerator(5);
  const auto mean = torch::tensor({{0.7, -1.3, 0.2}}, torch::kDouble);
  const auto log_var = torch::tensor({{-0.5, 0.8, 0.0}}, torch::kDouble);
  const auto sd = (0.5 * log_var).exp();
  const auto z = mean + sd * torch::randn({400000, 3}, generator, torch::kDouble);
  // E_q[log q(z) - log p(z)], the constants cancel.
  const auto log_q = (-0.5 * ((z - mean) / sd).square() - sd.log()).sum(1);
  const auto log_p = (-0.5 * z.square()).sum(1);
  const double estimate = (log_q - log_p).mean().item<double>();
  EXPECT_NEAR(kl_to_standard_normal({mean, log_var, {}}).item<double>(), estimate, 0.01);
}

TEST(Variational, SamplesHaveThePosteriorsMeanAndSpread) {
  torch::manual_seed(11);
  Variational layer(4, 2, /*epsilon_std=*/0.5);
  const int64_t n = 200000;
  const Posterior q{
      torch::tensor({1.5f, -2.0f}).expand({n, 2}), torch::tensor({0.0f, std::log(9.0f)}).expand({n, 2}), {}};
  const auto z = layer->sample(q);
  const auto mean = z.mean(0), sd = z.std(0);
  EXPECT_NEAR(mean[0].item<double>(), 1.5, 0.01);
  EXPECT_NEAR(mean[1].item<double>(), -2.0, 0.02);
  EXPECT_NEAR(sd[0].item<double>(), 0.5 * 1.0, 0.01);  // epsilon_std * exp(log_var / 2)
  EXPECT_NEAR(sd[1].item<double>(), 0.5 * 3.0, 0.02);
  // Draws are independent across rows and units.
  EXPECT_NEAR(torch::corrcoef(z.t())[0][1].item<double>(), 0.0, 0.01);
}

TEST(Variational, GradientsFlowThroughTheSampleToBothHeads) {
  Variational layer(3, 2, 1.0);
  const auto q = layer->posterior(torch::randn({5, 3}));
  layer->sample(q).square().sum().backward();
  EXPECT_GT(layer->mean_layer()->weight.grad().abs().sum().item<double>(), 0);
  EXPECT_GT(layer->log_var_layer()->weight.grad().abs().sum().item<double>(), 0);
}

TEST(Variational, LogVarianceIsClampedSoThatExpStaysFinite) {
  Variational layer(1, 1, 1.0);
  {
    torch::NoGradGuard no_grad;
    layer->log_var_layer()->weight.fill_(1000.0);
  }
  const auto high = layer->posterior(torch::ones({1, 1}));
  const auto low = layer->posterior(-torch::ones({1, 1}));
  EXPECT_EQ(high.log_var.item<double>(), kMaxLogVariance);
  EXPECT_EQ(low.log_var.item<double>(), kMinLogVariance);
  EXPECT_TRUE(std::isfinite(kl_to_standard_normal(high).item<double>()));
  EXPECT_TRUE(std::isfinite(layer->sample(high).item<double>()));
}

// A full covariance N(m, L L^T), L lower-triangular with a positive diagonal.
Posterior full_posterior() {
  const auto mean = torch::tensor({{0.4, -0.9, 1.2}}, torch::kDouble);
  const auto scale = torch::tensor({{{0.8, 0.0, 0.0}, {0.5, 1.3, 0.0}, {-0.7, 0.2, 0.6}}}, torch::kDouble);
  return {mean, {}, scale};
}

TEST(Variational, FullCovarianceKlMatchesAMonteCarloEstimate) {
  const Posterior q = full_posterior();
  const auto L = q.scale_tril[0];
  auto generator = at::detail::createCPUGenerator(6);
  const auto epsilon = torch::randn({400000, 3}, generator, torch::kDouble);
  const auto z = q.mean + epsilon.mm(L.t());
  // log q(z) = -1/2 |L^-1 (z - m)|^2 - sum log L_ii (+ constants that cancel with log p).
  const auto whitened = torch::linalg_solve_triangular(L, (z - q.mean).t(), /*upper=*/false).t();
  const auto log_q = -0.5 * whitened.square().sum(1) - L.diagonal().log().sum();
  const auto log_p = -0.5 * z.square().sum(1);
  const double estimate = (log_q - log_p).mean().item<double>();
  EXPECT_NEAR(kl_to_standard_normal(q).item<double>(), estimate, 0.01);
  // And the closed form written out: 1/2 (tr(L L^T) + |m|^2 - d - log det(L L^T)).
  const double closed = 0.5 * ((L.mm(L.t())).trace().item<double>() + q.mean.square().sum().item<double>() - 3 -
                               2 * L.diagonal().log().sum().item<double>());
  EXPECT_NEAR(kl_to_standard_normal(q).item<double>(), closed, 1e-12);
}

TEST(Variational, FullCovarianceSamplesHaveItsCovariance) {
  torch::manual_seed(12);
  Variational layer(4, 3, 1.0, /*full=*/true);
  const Posterior one = full_posterior();
  const int64_t n = 200000;
  const Posterior q{one.mean.to(torch::kFloat).expand({n, 3}), {}, one.scale_tril.to(torch::kFloat).expand({n, 3, 3})};
  const auto z = layer->sample(q).to(torch::kDouble);
  const auto L = one.scale_tril[0];
  EXPECT_TRUE(torch::allclose(z.mean(0), one.mean[0], 0.02, 0.02));
  EXPECT_TRUE(torch::allclose(torch::cov(z.t()), L.mm(L.t()), 0.03, 0.03)) << torch::cov(z.t());
}

TEST(Variational, FullCovarianceHeadGivesALowerTriangularScaleWithAPositiveDiagonal) {
  Variational layer(5, 4, 1.0, /*full=*/true);
  EXPECT_EQ(layer->params_layer()->weight.size(0), 4 + 4 * 5 / 2);
  const auto q = layer->posterior(torch::randn({6, 5}) * 10);
  ASSERT_TRUE(q.full());
  EXPECT_EQ(q.scale_tril.sizes(), (std::vector<int64_t>{6, 4, 4}));
  EXPECT_TRUE(torch::equal(q.scale_tril.triu(1), torch::zeros({6, 4, 4})));
  EXPECT_GT(q.scale_tril.diagonal(0, -2, -1).min().item<double>(), 0.0);
  // The KL trains the head: its gradient reaches the weights.
  kl_to_standard_normal(q).sum().backward();
  EXPECT_GT(layer->params_layer()->weight.grad().abs().sum().item<double>(), 0);
}

}  // namespace
}  // namespace hourglass::nn
