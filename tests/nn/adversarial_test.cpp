// The adversarial autoencoder's parts: the priors' samples and quantiles, the
// discriminator's shape and its loss against the binary cross-entropy written out.
#include "nn/adversarial.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass::nn {
namespace {

using testing::error_of;

TEST(Prior, ParsesItsNamesAndRefusesOthersInOneLine) {
  EXPECT_EQ(Prior::parse("normal").kind, Prior::Kind::normal);
  EXPECT_EQ(Prior::parse("uniform").kind, Prior::Kind::uniform);
  EXPECT_EQ(Prior::parse("mixture:10").components, 10);
  EXPECT_EQ(error_of<InvalidArgument>([] { Prior::parse("cauchy"); }),
            "unknown prior 'cauchy' (valid: normal, uniform, mixture:K with K components)");
  for (const char* bad : {"mixture:1", "mixture:", "mixture:x", "mixture:-3", "mixture:1001", "mixture:99999999999"}) {
    EXPECT_NE(error_of<InvalidArgument>([&] { Prior::parse(bad); }).find("2 to 1000 components"), std::string::npos)
        << bad;
  }
}

TEST(Prior, SamplesHaveThePriorsMoments) {
  torch::manual_seed(5);
  const int64_t n = 200000;
  // N(0, I): mean 0, variance 1, no correlation.
  const auto normal = Prior::parse("normal").sample(n, 3).to(torch::kDouble);
  EXPECT_NEAR(normal.mean().item<double>(), 0.0, 0.01);
  EXPECT_NEAR(normal.var(0).mean().item<double>(), 1.0, 0.01);
  EXPECT_NEAR((normal.select(1, 0) * normal.select(1, 1)).mean().item<double>(), 0.0, 0.01);
  // U(-1, 1): mean 0, variance 1/3, within [-1, 1].
  const auto uniform = Prior::parse("uniform").sample(n, 2).to(torch::kDouble);
  EXPECT_NEAR(uniform.mean().item<double>(), 0.0, 0.01);
  EXPECT_NEAR(uniform.var(0).mean().item<double>(), 1.0 / 3.0, 0.005);
  EXPECT_LE(uniform.abs().max().item<double>(), 1.0);
  // K Gaussians (sd 0.5) about a circle of radius 2: E z1^2 = r^2 / 2 + sd^2 in each of the
  // two units, the circle's centre as mean, and each draw within reach of a mean.
  const auto mixture = Prior::parse("mixture:8").sample(n, 3).to(torch::kDouble);
  EXPECT_NEAR(mixture.select(1, 0).mean().item<double>(), 0.0, 0.02);
  EXPECT_NEAR(mixture.select(1, 0).square().mean().item<double>(), 2.0 + 0.25, 0.02);
  EXPECT_NEAR(mixture.select(1, 1).square().mean().item<double>(), 2.0 + 0.25, 0.02);
  EXPECT_NEAR(mixture.select(1, 2).var().item<double>(), 0.25, 0.005);
  const auto radius = mixture.narrow(1, 0, 2).norm(2, 1);
  EXPECT_NEAR(radius.mean().item<double>(), 2.0, 0.1);
  // A one-unit code's means lie evenly on [-2, 2]: with 3 components, -2, 0 and 2.
  EXPECT_TRUE(torch::allclose(Prior::parse("mixture:3").mixture_means(1).squeeze(1),
                              torch::tensor({-2.0, 0.0, 2.0}, torch::kDouble)));
}

TEST(Prior, QuantilesInvertEachUnitsCdf) {
  const auto p = torch::tensor({0.05, 0.25, 0.5, 0.9}, torch::kDouble);
  // qnorm as R prints it.
  EXPECT_TRUE(torch::allclose(Prior::parse("normal").quantile(p, 0, 2),
                              torch::tensor({-1.6448536, -0.6744898, 0.0, 1.2815516}, torch::kDouble), 0, 1e-6));
  EXPECT_TRUE(torch::allclose(Prior::parse("uniform").quantile(p, 1, 2),
                              torch::tensor({-0.9, -0.5, 0.0, 0.8}, torch::kDouble), 0, 1e-12));
  // The mixture's: the marginal CDF written out at the quantile gives p back.
  const Prior mixture = Prior::parse("mixture:4");
  const auto q = mixture.quantile(p, 1, 2);
  const std::vector<double> means = {0.0, 2.0, 0.0, -2.0};  // 2 sin(2 pi k / 4)
  for (int64_t i = 0; i < p.size(0); ++i) {
    double cdf = 0;
    for (double m : means) cdf += 0.5 * std::erfc(-(q[i].item<double>() - m) / (0.5 * std::sqrt(2.0))) / 4;
    EXPECT_NEAR(cdf, p[i].item<double>(), 1e-12);
  }
}

TEST(Discriminator, JudgesEachRowWithTheWeightsItCounts) {
  torch::manual_seed(1);
  Discriminator discriminator(3, std::vector<int64_t>{5, 4});
  EXPECT_EQ(discriminator->forward(torch::randn({7, 3})).sizes(), (std::vector<int64_t>{7}));
  int64_t weights = 0;
  for (const auto& p : discriminator->parameters()) weights += p.numel();
  EXPECT_EQ(weights, (3 + 1) * 5 + (5 + 1) * 4 + (4 + 1));
  EXPECT_EQ(DiscriminatorImpl::parameter_count(3, {5, 4}), weights);
}

TEST(Discriminator, LossIsTheBinaryCrossEntropyWrittenOut) {
  // Prior samples labelled 1, codes 0: -[log s(a)] and -[log(1 - s(b))], averaged over all 5.
  const auto prior_logits = torch::tensor({2.0, -0.5}, torch::kDouble);
  const auto code_logits = torch::tensor({-1.0, 0.25, 3.0}, torch::kDouble);
  const auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  const double expected = -(std::log(sigmoid(2.0)) + std::log(sigmoid(-0.5)) + std::log(1 - sigmoid(-1.0)) +
                            std::log(1 - sigmoid(0.25)) + std::log(1 - sigmoid(3.0))) /
                          5.0;
  const auto judged = judge(prior_logits, code_logits);
  EXPECT_NEAR(judged.loss.item<double>(), expected, 1e-12);
  // Right: 2.0 (prior) and -1.0 (code); wrong: -0.5, 0.25, 3.0.
  EXPECT_DOUBLE_EQ(judged.accuracy.item<double>(), 2.0 / 5.0);
  // Extreme logits stay finite (softplus, not log of a sigmoid that rounds to 0).
  const auto extreme = judge(torch::tensor({-1000.0}), torch::tensor({1000.0}));
  EXPECT_NEAR(extreme.loss.item<double>(), 1000.0, 1e-3);
}

}  // namespace
}  // namespace hourglass::nn
