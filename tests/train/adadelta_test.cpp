#include "train/adadelta.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "train/optimizers.hpp"

namespace hourglass {
namespace {

TEST(Adadelta, StepsMatchTheAlgorithmComputedByHand) {
  const double lr = 0.5, rho = 0.95, eps = 1e-7;
  const std::vector<double> c = {3.0, -0.5};  // loss = sum(c * p^2), gradient 2 c p
  auto p = torch::tensor({1.0, -2.0}, torch::kDouble).requires_grad_();
  Adadelta optimizer({p}, AdadeltaOptions(lr));

  std::vector<double> ref = {1.0, -2.0}, a = {0, 0}, d = {0, 0};
  for (int t = 1; t <= 5; ++t) {
    optimizer.zero_grad();
    (torch::tensor(c, torch::kDouble) * p * p).sum().backward();
    optimizer.step();
    for (size_t i = 0; i < 2; ++i) {
      const double g = 2 * c[i] * ref[i];
      a[i] = rho * a[i] + (1 - rho) * g * g;
      const double delta = std::sqrt(d[i] + eps) / std::sqrt(a[i] + eps) * g;
      d[i] = rho * d[i] + (1 - rho) * delta * delta;
      ref[i] -= lr * delta;
    }
    EXPECT_NEAR(p[0].item<double>(), ref[0], 1e-12) << "step " << t;
    EXPECT_NEAR(p[1].item<double>(), ref[1], 1e-12) << "step " << t;
  }
}

// By name, as --optimizer adadelta and R's optimizer = "adadelta" reach it: Keras's
// default rate, and a state that goes into a checkpoint and comes back.
TEST(Adadelta, IsADeclaredOptimizerWithKerassDefaultsAndAState) {
  EXPECT_DOUBLE_EQ(optimizer_kinds().at("adadelta").default_learning_rate, 0.001);
  auto p = torch::ones({3}, torch::kDouble).requires_grad_();
  auto optimizer = make_optimizer("adadelta", {p}, 0, 0);
  (p * p).sum().backward();
  optimizer->step();
  const auto state = optimizer_state("adadelta", *optimizer, {p});
  auto q = p.detach().clone().requires_grad_();
  auto restored = make_optimizer("adadelta", {q}, 0, 0);
  load_optimizer_state("adadelta", *restored, {q}, state, "the test");
  for (auto* opt : {optimizer.get(), restored.get()}) opt->zero_grad();
  (p * p).sum().backward();
  (q * q).sum().backward();
  optimizer->step();
  restored->step();
  EXPECT_TRUE(torch::equal(p, q));
}

}  // namespace
}  // namespace hourglass
