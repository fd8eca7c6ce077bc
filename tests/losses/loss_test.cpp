#include "hourglass/losses/loss.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

const std::vector<double> kPrediction = {0.1, 0.9, 0.6, 0.0, 1.0, 0.3};
const std::vector<double> kTarget = {0.0, 1.0, 1.0, 0.0, 0.0, 0.5};

double reference(std::string name) {
  if (name == "mean_squared_error") name = "mse";
  if (name == "mean_absolute_error") name = "mae";
  if (name == "binary_crossentropy") name = "bce";
  if (name == "kullback_leibler_divergence") name = "kl";
  double sum = 0;
  for (size_t i = 0; i < kTarget.size(); ++i) {
    const double p = kPrediction[i], t = kTarget[i];
    if (name == "mse") sum += (p - t) * (p - t);
    if (name == "mae") sum += std::abs(p - t);
    if (name == "bce") {
      const double c = std::clamp(p, 1e-7, 1 - 1e-7);
      sum += -(t * std::log(c) + (1 - t) * std::log(1 - c));
    }
    if (name == "binary_accuracy") sum += ((p > 0.5) == (t > 0.5)) ? 1.0 : 0.0;
    if (name == "kl") {
      const double tc = std::clamp(t, 1e-7, 1.0), pc = std::clamp(p, 1e-7, 1.0);
      sum += tc * std::log(tc / pc);
    }
  }
  // KL sums over a sample's 3 values and averages over the 2 rows; the rest average cells.
  return name == "kl" ? sum / 2 : sum / kTarget.size();
}

TEST(Loss, EachMetricMatchesItsFormula) {
  // double precision, so that the clipping at 1 - 1e-7 is exact as in the reference
  const auto prediction = torch::tensor(kPrediction, torch::kDouble).view({2, 3});
  const auto target = torch::tensor(kTarget, torch::kDouble).view({2, 3});
  for (const auto& name : metric_names()) {
    EXPECT_NEAR(metric_function(name)(prediction, target).item<double>(), reference(name), 1e-12) << name;
  }
  for (const auto& name : loss_names()) {
    EXPECT_EQ(loss_function(name), metric_function(name)) << name;
  }
}

TEST(Loss, KerasLongNamesAreTheSameFunctions) {
  EXPECT_EQ(loss_function("mean_squared_error"), loss_function("mse"));
  EXPECT_EQ(loss_function("mean_absolute_error"), loss_function("mae"));
  EXPECT_EQ(loss_function("binary_crossentropy"), loss_function("bce"));
  EXPECT_EQ(metric_function("kullback_leibler_divergence"), metric_function("kl"));
}

TEST(Loss, GradientsMatchAutogradOfTheFormula) {
  auto prediction = torch::rand({4, 5}, torch::kDouble).clamp(0.05, 0.95).requires_grad_();
  const auto target = torch::rand({4, 5}, torch::kDouble);
  loss_function("bce")(prediction, target).backward();
  // d/dp of -(t log p + (1 - t) log(1 - p)) / n
  const auto p = prediction.detach();
  const auto expected = (p - target) / (p * (1 - p)) / target.numel();
  EXPECT_TRUE(torch::allclose(prediction.grad(), expected, 1e-9, 1e-12));
}

TEST(Loss, UnknownNamesListTheValidOnes) {
  try {
    loss_function("rmse");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_STREQ(e.what(),
                 "unknown loss 'rmse' (valid: mse, mae, bce, mean_squared_error, mean_absolute_error, "
                 "binary_crossentropy)");
  }
  EXPECT_THROW(metric_function("accuracy"), InvalidArgument);
}

TEST(Correntropy, MatchesTheGaussianKernelFormula) {
  const double sigma = 0.3;
  const auto prediction = torch::tensor(kPrediction, torch::kDouble).view({2, 3});
  const auto target = torch::tensor(kTarget, torch::kDouble).view({2, 3});
  double sum = 0;  // over both rows, then divided by the 2 rows
  for (size_t i = 0; i < kTarget.size(); ++i) {
    const double a = kPrediction[i] - kTarget[i];
    sum += std::exp(-a * a / (2 * sigma * sigma)) / (std::sqrt(2 * M_PI) * sigma);
  }
  EXPECT_NEAR(correntropy_loss(prediction, target, sigma).item<double>(), -sum / 2, 1e-12);
}

TEST(Correntropy, GradientMatchesFiniteDifferences) {
  torch::manual_seed(3);
  const auto prediction = torch::rand({3, 4}, torch::kDouble).requires_grad_(true);
  const auto target = torch::rand({3, 4}, torch::kDouble);
  auto loss = [&](const at::Tensor& p) { return correntropy_loss(p, target, 0.2); };
  loss(prediction).backward();
  const auto numeric = testing::finite_difference_gradient(loss, prediction.detach());
  EXPECT_TRUE(torch::allclose(prediction.grad(), numeric, 1e-6, 1e-7));
}

TEST(Correntropy, OutliersSaturateTheKernel) {
  // A huge error costs barely more than a large one: that is what makes it robust.
  const auto zero = torch::zeros({1, 1});
  const double large = correntropy_loss(torch::full({1, 1}, 1.0), zero, 0.2).item<double>();
  const double huge = correntropy_loss(torch::full({1, 1}, 100.0), zero, 0.2).item<double>();
  EXPECT_NEAR(large, huge, 1e-4);
  EXPECT_LT(correntropy_loss(zero, zero, 0.2).item<double>(), large);
}

}  // namespace
}  // namespace hourglass
