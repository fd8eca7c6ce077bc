#include "train/fused_optimizers.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>

namespace hourglass {
namespace {

// A kernel large enough to be split across threads, and a bias that is not.
std::vector<torch::Tensor> parameters() {
  torch::manual_seed(3);
  return {torch::randn({300, 250}), torch::randn({5})};
}

// Runs `steps` steps of each optimizer on copies of the same parameters and gradients.
template <typename Fused, typename Reference, typename Options>
void expect_same_steps(const Options& options, int steps = 12) {
  auto fused_parameters = parameters(), reference_parameters = parameters();
  Fused fused(fused_parameters, options);
  Reference reference(reference_parameters, options);
  for (int step = 0; step < steps; ++step) {
    for (size_t i = 0; i < fused_parameters.size(); ++i) {
      const auto gradient = torch::randn_like(fused_parameters[i]) * (step % 3 == 0 ? 1e-4 : 1.0);
      fused_parameters[i].mutable_grad() = gradient.clone();
      reference_parameters[i].mutable_grad() = gradient.clone();
    }
    fused.step();
    reference.step();
  }
  for (size_t i = 0; i < fused_parameters.size(); ++i) {
    EXPECT_TRUE(torch::allclose(fused_parameters[i], reference_parameters[i], 1e-5, 1e-6))
        << "parameter " << i << " differs by "
        << (fused_parameters[i] - reference_parameters[i]).abs().max().item<double>();
  }
}

TEST(FusedOptimizers, AdamTakesLibTorchsSteps) {
  expect_same_steps<FusedAdam, torch::optim::Adam>(torch::optim::AdamOptions(1e-2).eps(1e-7));
}

TEST(FusedOptimizers, RMSpropTakesLibTorchsSteps) {
  expect_same_steps<FusedRMSprop, torch::optim::RMSprop>(torch::optim::RMSpropOptions(1e-2).alpha(0.9).eps(1e-7));
}

TEST(FusedOptimizers, OptionsTheyDoNotFuseTakeLibTorchsOwnStep) {
  expect_same_steps<FusedAdam, torch::optim::Adam>(torch::optim::AdamOptions(1e-2).amsgrad(true).weight_decay(0.1));
  expect_same_steps<FusedRMSprop, torch::optim::RMSprop>(
      torch::optim::RMSpropOptions(1e-2).momentum(0.5).centered(true));
}

TEST(FusedOptimizers, StateSavedByTheFusedAdamContinuesInLibTorchsAdam) {
  auto fused_parameters = parameters();
  FusedAdam fused(fused_parameters, torch::optim::AdamOptions(1e-2));
  for (auto& p : fused_parameters) p.mutable_grad() = torch::ones_like(p);
  fused.step();
  torch::serialize::OutputArchive out;
  fused.save(out);
  std::ostringstream bytes;
  out.save_to(bytes);

  auto reference_parameters = std::vector<torch::Tensor>{fused_parameters[0].clone(), fused_parameters[1].clone()};
  torch::optim::Adam reference(reference_parameters, torch::optim::AdamOptions(1e-2));
  torch::serialize::InputArchive in;
  std::istringstream stream(bytes.str());
  in.load_from(stream);
  reference.load(in);
  for (size_t i = 0; i < 2; ++i) {
    fused_parameters[i].mutable_grad() = torch::full_like(fused_parameters[i], 0.5);
    reference_parameters[i].mutable_grad() = torch::full_like(reference_parameters[i], 0.5);
  }
  fused.step();
  reference.step();
  for (size_t i = 0; i < 2; ++i) EXPECT_TRUE(torch::allclose(fused_parameters[i], reference_parameters[i], 1e-6, 1e-7));
}

}  // namespace
}  // namespace hourglass
