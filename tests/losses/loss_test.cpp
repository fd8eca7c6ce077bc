#include "hourglass/losses/loss.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "hourglass/error.hpp"
#include "losses/losses.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

const std::vector<double> kPrediction = {0.1, 0.9, 0.6, 0.0, 1.0, 0.3};
const std::vector<double> kTarget = {0.0, 1.0, 1.0, 0.0, 0.0, 0.5};
constexpr double kEps = 1e-7;

// Each loss written out cell by cell (2 rows of 3), in double, from Keras's definitions.
double reference(const std::string& name) {
  const auto cells = [](auto cell) {
    double sum = 0;
    for (size_t i = 0; i < kTarget.size(); ++i) sum += cell(kPrediction[i], kTarget[i]);
    return sum / kTarget.size();
  };
  const auto rows = [](auto row) {
    double sum = 0;
    for (size_t r = 0; r < 2; ++r) {
      sum += row(std::vector<double>(kPrediction.begin() + 3 * r, kPrediction.begin() + 3 * r + 3),
                 std::vector<double>(kTarget.begin() + 3 * r, kTarget.begin() + 3 * r + 3));
    }
    return sum / 2;
  };
  if (name == "mse") return cells([](double p, double t) { return (p - t) * (p - t); });
  if (name == "mae") return cells([](double p, double t) { return std::abs(p - t); });
  if (name == "bce") {
    return cells([](double p, double t) {
      const double c = std::clamp(p, kEps, 1 - kEps);
      return -(t * std::log(c) + (1 - t) * std::log(1 - c));
    });
  }
  if (name == "huber") {
    return cells([](double p, double t) {
      const double e = std::abs(p - t);
      return e <= 1 ? 0.5 * e * e : e - 0.5;
    });
  }
  if (name == "log_cosh") return cells([](double p, double t) { return std::log(std::cosh(p - t)); });
  if (name == "mape") {
    return cells([](double p, double t) { return 100 * std::abs((t - p) / std::max(std::abs(t), kEps)); });
  }
  if (name == "msle") {
    return cells([](double p, double t) {
      const double d = std::log(std::max(p, kEps) + 1) - std::log(std::max(t, kEps) + 1);
      return d * d;
    });
  }
  if (name == "poisson") return cells([](double p, double t) { return p - t * std::log(p + kEps); });
  if (name == "binary_accuracy")
    return cells([](double p, double t) { return (p > 0.5 ? 1.0 : 0.0) == t ? 1.0 : 0.0; });
  if (name == "kl_divergence") {
    return rows([](const std::vector<double>& p, const std::vector<double>& t) {
      double sum = 0;
      for (size_t i = 0; i < 3; ++i) {
        const double tc = std::clamp(t[i], kEps, 1.0), pc = std::clamp(p[i], kEps, 1.0);
        sum += tc * std::log(tc / pc);
      }
      return sum;
    });
  }
  if (name == "cosine_similarity") {
    return rows([](const std::vector<double>& p, const std::vector<double>& t) {
      double dot = 0, pp = 0, tt = 0;
      for (size_t i = 0; i < 3; ++i) dot += p[i] * t[i], pp += p[i] * p[i], tt += t[i] * t[i];
      return -dot / (std::sqrt(pp) * std::sqrt(tt));
    });
  }
  if (name == "categorical_crossentropy") {
    return rows([](const std::vector<double>& p, const std::vector<double>& t) {
      const double total = p[0] + p[1] + p[2];
      double sum = 0;
      for (size_t i = 0; i < 3; ++i) sum -= t[i] * std::log(std::clamp(p[i] / total, kEps, 1 - kEps));
      return sum;
    });
  }
  ADD_FAILURE() << "no reference for " << name;
  return 0;
}

TEST(Loss, EachLossAndMetricMatchesItsFormula) {
  // double precision, so that the clipping at 1 - 1e-7 is exact as in the reference
  const auto prediction = torch::tensor(kPrediction, torch::kDouble).view({2, 3});
  const auto target = torch::tensor(kTarget, torch::kDouble).view({2, 3});
  for (const auto& [name, definition] : metrics().entries()) {
    EXPECT_NEAR(definition->mean(prediction, target).item<double>(), reference(name), 1e-12) << name;
    // One value per row, whose mean is the loss.
    const auto rows = definition->rows(prediction, target);
    ASSERT_EQ(rows.sizes(), (std::vector<int64_t>{2})) << name;
    EXPECT_NEAR(rows.mean().item<double>(), reference(name), 1e-12) << name;
  }
  for (const auto& name : loss_names()) {
    EXPECT_EQ(loss_function(name), metric_function(name)) << name;
  }
  EXPECT_EQ(losses().names().size(), 11u);
}

TEST(Loss, KerasLongNamesAreTheSameFunctions) {
  for (const auto& [short_name, long_name] :
       std::vector<std::pair<std::string, std::string>>{{"mse", "mean_squared_error"},
                                                        {"mae", "mean_absolute_error"},
                                                        {"bce", "binary_crossentropy"},
                                                        {"huber", "huber_loss"},
                                                        {"log_cosh", "logcosh"},
                                                        {"mape", "mean_absolute_percentage_error"},
                                                        {"msle", "mean_squared_logarithmic_error"},
                                                        {"kl_divergence", "kullback_leibler_divergence"},
                                                        {"kl_divergence", "kl"}}) {
    EXPECT_EQ(loss_function(long_name), loss_function(short_name)) << long_name;
  }
}

TEST(Loss, BinaryAccuracyComparesTheTargetAsItIs) {
  // Keras rounds the prediction only: a target of 0.7 never equals a rounded prediction.
  const auto prediction = torch::tensor({{0.8, 0.2, 0.9}});
  const auto target = torch::tensor({{1.0, 0.0, 0.7}});
  EXPECT_NEAR(metric_function("binary_accuracy")(prediction, target).item<double>(), 2.0 / 3.0, 1e-7);
}

TEST(Loss, LogCoshStaysFiniteForLargeErrors) {
  const auto value =
      loss_function("log_cosh")(torch::tensor({{1000.0}}, torch::kDouble), torch::tensor({{0.0}}, torch::kDouble))
          .item<double>();
  EXPECT_NEAR(value, 1000.0 - std::log(2.0), 1e-9);
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
  const std::string message = testing::error_of<InvalidArgument>([] { loss_function("rmse"); });
  EXPECT_EQ(message.rfind("unknown loss 'rmse' (valid: mse, mean_squared_error, mae, ", 0), 0u) << message;
  EXPECT_NE(message.find("categorical_crossentropy"), std::string::npos) << message;
  EXPECT_THROW(metric_function("precision"), InvalidArgument);
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
