#include "hourglass/losses/loss.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

const std::vector<double> kPrediction = {0.1, 0.9, 0.6, 0.0, 1.0, 0.3};
const std::vector<double> kTarget = {0.0, 1.0, 1.0, 0.0, 0.0, 0.5};

double reference(const std::string& name) {
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
  }
  return sum / kTarget.size();
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
    EXPECT_STREQ(e.what(), "unknown loss 'rmse' (valid: mse, mae, bce)");
  }
  EXPECT_THROW(metric_function("accuracy"), InvalidArgument);
}

}  // namespace
}  // namespace hourglass
