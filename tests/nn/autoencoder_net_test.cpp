#include "nn/autoencoder_net.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "nn/activation.hpp"

namespace hourglass::nn {
namespace {

TEST(AutoencoderNet, SplitsAtTheEncodingLayerWithNamedParameters) {
  AutoencoderNet net(Network::from_sizes({6, 2}, "tanh"), 5);
  EXPECT_EQ(net->input_dim(), 5);
  EXPECT_EQ(net->code_dim(), 2);
  std::vector<std::string> names;
  for (const auto& p : net->named_parameters()) names.push_back(p.key());
  const std::vector<std::string> expected = {"encoder.0.weight", "encoder.0.bias",   "encoder.2.weight",
                                             "encoder.2.bias",   "decoder.0.weight", "decoder.0.bias",
                                             "decoder.2.weight", "decoder.2.bias"};
  EXPECT_EQ(names, expected);
  const auto x = torch::randn({7, 5});
  EXPECT_EQ(net->encode(x).sizes(), (std::vector<int64_t>{7, 2}));
  EXPECT_EQ(net->forward(x).sizes(), (std::vector<int64_t>{7, 5}));
  EXPECT_TRUE(torch::allclose(net->forward(x), net->decode(net->encode(x))));
}

TEST(AutoencoderNet, InitialisesLikeKeras) {
  torch::manual_seed(0);
  AutoencoderNet net(input() + dense(300, "relu") + dense(200, "selu") + output(), 100);
  auto params = net->named_parameters();
  // glorot_uniform: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)); its sd is l / sqrt(3)
  const auto w1 = params["encoder.0.weight"];
  const double limit = std::sqrt(6.0 / (100 + 300));
  EXPECT_LE(w1.abs().max().item<double>(), limit);
  EXPECT_NEAR(w1.std().item<double>(), limit / std::sqrt(3.0), 0.02 * limit);
  EXPECT_EQ(params["encoder.0.bias"].abs().sum().item<double>(), 0.0);
  // lecun_normal for selu: sd sqrt(1 / fan_in), truncated at two of its own deviations
  const auto w2 = params["decoder.0.weight"];  // dense(300) is the encoding
  const double sd = std::sqrt(1.0 / 300) / 0.87962566103423978;
  EXPECT_LE(w2.abs().max().item<double>(), 2 * sd);
  EXPECT_NEAR(w2.std().item<double>(), std::sqrt(1.0 / 300), 0.03 * sd);
}

TEST(Activation, MatchesKerasDefinitions) {
  const auto x = torch::tensor({-2.0f, -1.0f, 0.0f, 1.0f, 4.0f});
  auto at = [&](const std::string& name, int i) {
    return activation_function(name).apply(x.view({1, 5}))[0][i].item<double>();
  };
  EXPECT_DOUBLE_EQ(at("linear", 0), -2.0);
  EXPECT_DOUBLE_EQ(at("relu", 1), 0.0);
  EXPECT_NEAR(at("sigmoid", 3), 1.0 / (1.0 + std::exp(-1.0)), 1e-7);
  EXPECT_NEAR(at("tanh", 3), std::tanh(1.0), 1e-7);
  EXPECT_NEAR(at("elu", 1), std::exp(-1.0) - 1.0, 1e-7);
  EXPECT_NEAR(at("selu", 1), 1.0507009873554805 * 1.6732632423543772 * (std::exp(-1.0) - 1.0), 1e-6);
  EXPECT_NEAR(at("softplus", 3), std::log1p(std::exp(1.0)), 1e-6);
  EXPECT_NEAR(at("softsign", 4), 4.0 / 5.0, 1e-7);
  EXPECT_NEAR(at("leaky_relu", 0), -0.4, 1e-7);
  EXPECT_NEAR(at("hard_sigmoid", 3), 0.7, 1e-7);
  EXPECT_NEAR(at("hard_sigmoid", 4), 1.0, 1e-7);
  EXPECT_NEAR(at("hard_sigmoid", 0), 0.1, 1e-7);
  // softmax over the features: exp(x_i) / sum exp(x)
  double total = 0;
  for (double v : {-2.0, -1.0, 0.0, 1.0, 4.0}) total += std::exp(v);
  EXPECT_NEAR(at("softmax", 4), std::exp(4.0) / total, 1e-6);
  // gelu: x Phi(x), Phi the standard normal CDF (Keras's exact form)
  EXPECT_NEAR(at("gelu", 3), 1.0 * 0.5 * (1 + std::erf(1.0 / std::sqrt(2.0))), 1e-6);
  EXPECT_NEAR(at("gelu", 1), -1.0 * 0.5 * (1 + std::erf(-1.0 / std::sqrt(2.0))), 1e-6);
  EXPECT_NEAR(at("swish", 3), 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
  EXPECT_DOUBLE_EQ(at("silu", 0), at("swish", 0));
  EXPECT_NEAR(at("exponential", 3), std::exp(1.0), 1e-6);
  EXPECT_DOUBLE_EQ(at("relu6", 4), 4.0);
  EXPECT_DOUBLE_EQ(at("relu6", 0), 0.0);
  EXPECT_DOUBLE_EQ(activation_function("relu6").apply(torch::tensor({7.5}))[0].item<double>(), 6.0);
}

TEST(Activation, DerivativesMatchAutograd) {
  const auto z = torch::linspace(-3, 7, 41, torch::kDouble).requires_grad_(true);
  for (const auto& [name, activation] : activations().entries()) {
    if (!activation->derivative) continue;  // softmax is not elementwise
    const auto y = activation->apply(z.view({1, -1})).sum();
    const auto grad = torch::autograd::grad({y}, {z})[0];
    // relu6, relu, leaky_relu and hard_sigmoid have kinks: compare away from them.
    const auto smooth = ((z - 0).abs() > 1e-9) & ((z - 6).abs() > 1e-9) & ((z.abs() - 2.5).abs() > 1e-9);
    EXPECT_TRUE(torch::allclose(activation->derivative(z.detach()).masked_select(smooth), grad.masked_select(smooth),
                                1e-8, 1e-10))
        << name;
  }
}

}  // namespace
}  // namespace hourglass::nn
