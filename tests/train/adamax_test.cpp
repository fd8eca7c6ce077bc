#include "hourglass/train/adamax.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace hourglass {
namespace {

TEST(Adamax, StepsMatchTheAlgorithmComputedByHand) {
  const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
  const std::vector<double> c = {3.0, -0.5};  // loss = sum(c * p^2), gradient 2 c p
  auto p = torch::tensor({1.0, -2.0}, torch::kDouble).requires_grad_();
  Adamax optimizer({p}, AdamaxOptions(lr));

  std::vector<double> ref = {1.0, -2.0}, m = {0, 0}, u = {0, 0};
  for (int t = 1; t <= 5; ++t) {
    optimizer.zero_grad();
    (torch::tensor(c, torch::kDouble) * p * p).sum().backward();
    optimizer.step();
    for (size_t i = 0; i < 2; ++i) {
      const double g = 2 * c[i] * ref[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      u[i] = std::max(b2 * u[i], std::abs(g));
      ref[i] -= lr / (1 - std::pow(b1, t)) * m[i] / (u[i] + eps);
    }
    EXPECT_NEAR(p[0].item<double>(), ref[0], 1e-12) << "step " << t;
    EXPECT_NEAR(p[1].item<double>(), ref[1], 1e-12) << "step " << t;
  }
}

TEST(Adamax, StateSurvivesSerialisation) {
  auto p = torch::ones({3}, torch::kDouble).requires_grad_();
  Adamax optimizer({p}, AdamaxOptions(0.1));
  (p * p).sum().backward();
  optimizer.step();
  torch::serialize::OutputArchive out;
  optimizer.save(out);
  std::ostringstream bytes;
  out.save_to(bytes);

  auto q = p.detach().clone().requires_grad_();
  Adamax restored({q}, AdamaxOptions(0.1));
  torch::serialize::InputArchive in;
  std::istringstream stream(bytes.str());
  in.load_from(stream);
  restored.load(in);
  for (auto* opt : {static_cast<torch::optim::Optimizer*>(&optimizer), static_cast<torch::optim::Optimizer*>(&restored)}) {
    opt->zero_grad();
  }
  (p * p).sum().backward();
  (q * q).sum().backward();
  optimizer.step();
  restored.step();
  EXPECT_TRUE(torch::equal(p, q));
}

}  // namespace
}  // namespace hourglass
