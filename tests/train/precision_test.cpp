#include "train/precision.hpp"

#include <ATen/autocast_mode.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "hourglass/error.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/train.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using hourglass::testing::error_of;
using hourglass::testing::low_rank_data;

TEST(Precision, NamesAreCheckedAndFp32NeedsNothing) {
  EXPECT_FALSE(use_bf16("fp32"));
  EXPECT_EQ(use_bf16("bf16"), bf16_supported());
  const auto message = error_of<InvalidArgument>([] { use_bf16("fp16"); });
  EXPECT_NE(message.find("fp16"), std::string::npos) << message;
  EXPECT_NE(message.find("bf16"), std::string::npos) << message;
  EXPECT_NE(error_of<InvalidArgument>([] {
              train(autoencoder("2"), torch::randn({8, 3}), TrainOptions().precision("half"));
            }).find("precision"),
            std::string::npos);
}

TEST(Precision, MatrixProductsRunInBf16InsideTheScopeOnly) {
  torch::nn::Linear layer(16, 4);
  const auto x = torch::randn({8, 16});
  {
    MixedPrecision scope(true);
    EXPECT_TRUE(at::autocast::is_cpu_enabled());
    EXPECT_EQ(layer->forward(x).scalar_type(), torch::kBFloat16);
    {
      MixedPrecision off(false);  // a disabled scope changes nothing
      EXPECT_TRUE(at::autocast::is_cpu_enabled());
    }
  }
  EXPECT_FALSE(at::autocast::is_cpu_enabled());
  EXPECT_EQ(layer->forward(x).scalar_type(), torch::kFloat);
}

TEST(Precision, TheBf16GradientIsCloseToTheFp32One) {
  torch::manual_seed(1);
  torch::nn::Sequential net(torch::nn::Linear(32, 16), torch::nn::ReLU(), torch::nn::Linear(16, 32));
  const auto x = torch::rand({64, 32});
  auto gradient = [&](bool bf16) {
    net->zero_grad();
    torch::Tensor loss;
    {
      MixedPrecision scope(bf16);
      loss = (net->forward(x).to(torch::kFloat) - x).square().mean();
    }
    loss.backward();
    return net->parameters()[0].grad().clone();
  };
  const auto exact = gradient(false), mixed = gradient(true);
  EXPECT_EQ(mixed.scalar_type(), torch::kFloat);  // fp32 master weights get fp32 gradients
  const double relative = ((mixed - exact).norm() / exact.norm()).item<double>();
  EXPECT_LT(relative, 2e-2);  // bf16 keeps 8 bits of mantissa
  EXPECT_GT(relative, 0.0);   // and did run in bf16
}

TEST(Precision, Bf16TrainingKeepsFp32WeightsAndLearnsAsWellAsFp32) {
  const auto x = low_rank_data(512, 8, 2);
  auto trained = [&](const std::string& precision) {
    return train(autoencoder(input() + dense(2) + output()), x,
                 TrainOptions().epochs(150).optimizer("adam").learning_rate(0.01).seed(1).precision(precision));
  };
  const Model fp32 = trained("fp32"), bf16 = trained("bf16");
  const auto relative = [&](const Model& m) {
    return (m.reconstruct(x) - x).square().mean().item<double>() / x.var().item<double>();
  };
  EXPECT_EQ(bf16.encode(x).scalar_type(), torch::kFloat);
  EXPECT_LT(relative(fp32), 1e-3);
  EXPECT_LT(relative(bf16), 1e-2) << "fp32 " << relative(fp32);
}

}  // namespace
}  // namespace hourglass
