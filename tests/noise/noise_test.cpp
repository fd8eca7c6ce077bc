#include "hourglass/noise/noise.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::error_of;

constexpr int64_t kCells = 200000;

// Data away from 0 and 1, so that every changed cell is visible.
at::Tensor half() { return torch::full({kCells / 100, 100}, 0.5); }

// Four standard errors of a proportion p over kCells cells.
double tolerance(double p) { return 4 * std::sqrt(p * (1 - p) / kCells); }

TEST(Noise, ZerosAndOnesCorruptAFractionPOfTheCells) {
  torch::manual_seed(1);
  const auto zeros = apply_noise(noise_zeros(0.05), half());
  EXPECT_NEAR(zeros.eq(0).to(torch::kDouble).mean().item<double>(), 0.05, tolerance(0.05));
  EXPECT_TRUE((zeros.eq(0) | zeros.eq(0.5)).all().item<bool>());
  const auto ones = apply_noise(noise_ones(0.2), half());
  EXPECT_NEAR(ones.eq(1).to(torch::kDouble).mean().item<double>(), 0.2, tolerance(0.2));
  EXPECT_TRUE((ones.eq(1) | ones.eq(0.5)).all().item<bool>());
}

TEST(Noise, SaltAndPepperSplitsPEvenlyBetweenZeroAndOne) {
  torch::manual_seed(2);
  const auto noisy = apply_noise(noise_saltpepper(0.1), half());
  EXPECT_NEAR(noisy.eq(0).to(torch::kDouble).mean().item<double>(), 0.05, tolerance(0.05));
  EXPECT_NEAR(noisy.eq(1).to(torch::kDouble).mean().item<double>(), 0.05, tolerance(0.05));
}

TEST(Noise, GaussianNoiseHasMeanZeroAndTheGivenSd) {
  torch::manual_seed(3);
  const auto added = (apply_noise(noise_gaussian(0.3), half()) - half()).to(torch::kDouble);
  // Standard errors: sd / sqrt(n) for the mean, about sd / sqrt(2n) for the sd.
  EXPECT_NEAR(added.mean().item<double>(), 0.0, 4 * 0.3 / std::sqrt(kCells));
  EXPECT_NEAR(added.std().item<double>(), 0.3, 4 * 0.3 / std::sqrt(2.0 * kCells));
}

TEST(Noise, CauchyNoiseHasMedianZeroAndTheGivenScale) {
  torch::manual_seed(4);
  const auto added = (apply_noise(noise_cauchy(0.01), half()) - half()).to(torch::kDouble).flatten();
  // A Cauchy has no mean; its median is 0 and its quartiles are at -scale and +scale.
  const auto sorted = std::get<0>(added.sort());
  const double q1 = sorted[kCells / 4].item<double>(), q2 = sorted[kCells / 2].item<double>(),
               q3 = sorted[3 * kCells / 4].item<double>();
  EXPECT_NEAR(q2, 0.0, 2e-4);
  EXPECT_NEAR(q1, -0.01, 4e-4);
  EXPECT_NEAR(q3, 0.01, 4e-4);
}

TEST(Noise, AFixedSeedGivesIdenticalNoise) {
  for (const auto& name : noise_names()) {
    torch::manual_seed(7);
    const auto first = apply_noise(noise(name), half());
    torch::manual_seed(7);
    EXPECT_TRUE(torch::equal(first, apply_noise(noise(name), half()))) << name;
    EXPECT_FALSE(torch::equal(first, apply_noise(noise(name), half()))) << name;
  }
}

TEST(Noise, NamesDefaultsAndTheCliForm) {
  EXPECT_EQ(noise("zeros"), noise_zeros());
  EXPECT_EQ(noise("gaussian").parameter, 0.1);
  EXPECT_EQ(noise("cauchy").parameter, 0.005);
  EXPECT_EQ(parse_noise("gaussian:0.25"), noise_gaussian(0.25));
  EXPECT_EQ(parse_noise("saltpepper"), noise_saltpepper(0.05));
  EXPECT_EQ(noise_gaussian(0.1).to_string(), "gaussian:0.1");
  EXPECT_EQ(parse_noise(noise_cauchy(0.003).to_string()), noise_cauchy(0.003));
}

TEST(Noise, BadValuesSayWhatIsExpected) {
  EXPECT_EQ(error_of<InvalidArgument>([] { noise_zeros(1.5); }),
            "noise zeros: p must be in [0, 1], got 1.5");
  EXPECT_EQ(error_of<InvalidArgument>([] { noise_gaussian(-0.1); }),
            "noise gaussian: sd must be a positive number, got -0.1");
  EXPECT_EQ(error_of<InvalidArgument>([] { noise_cauchy(0); }),
            "noise cauchy: scale must be a positive number, got 0");
  EXPECT_EQ(error_of<InvalidArgument>([] { parse_noise("pink:0.1"); }),
            "unknown noise 'pink' (valid: zeros, ones, saltpepper, gaussian, cauchy)");
  EXPECT_EQ(error_of<InvalidArgument>([] { parse_noise("gaussian:x"); }),
            "noise 'gaussian:x': expected TYPE or TYPE:NUMBER, e.g. gaussian:0.1");
  EXPECT_THROW(apply_noise(noise_zeros(), torch::ones({2, 2}, torch::kInt)), InvalidArgument);
}

}  // namespace
}  // namespace hourglass
