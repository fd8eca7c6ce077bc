// The modules conv layers become give exactly the shapes Network::output_shapes predicts.
#include "layers/conv.hpp"

#include <gtest/gtest.h>

#include "hourglass/network/network.hpp"
#include "hourglass/nn/module_builder.hpp"
#include "nn/autoencoder_net.hpp"

namespace hourglass::nn {
namespace {

// The convolution's modules for samples of shape `in`, and its kernel.
torch::Tensor build(torch::nn::Sequential& stage, const Layer& layer, const Shape& in) {
  torch::nn::Module owner;
  ModuleBuilder builder(stage, owner);
  build_convolution(builder, layer, in);
  return builder.kernel();
}

TEST(Conv, ModulesMatchTheInferredShapesForEveryCombination) {
  int checked = 0;
  for (const Shape& in : {Shape{2, 9, 7}, Shape{3, 8, 8}, Shape{2, 11}}) {
    for (const std::string type : {"conv", "conv_transpose"}) {
      for (int64_t kernel : {1, 2, 3, 4}) {
        for (int64_t stride : {1, 2, 3}) {
          for (const char* padding : {"same", "valid"}) {
            for (int resampling = 0; resampling < 4; ++resampling) {
              ConvOptions options = ConvOptions().padding(padding).strides(stride);
              if (resampling == 1) options.max_pooling(2);
              if (resampling == 2) options.average_pooling(2);
              if (resampling == 3) options.upsampling(2);
              const Layer layer = type == "conv" ? conv(5, kernel, "relu", options)
                                                 : conv_transpose(5, kernel, "relu", options);
              Shape expected;
              try {
                expected = (input() + layer + flatten() + dense(2) + output()).output_shapes(in)[1];
              } catch (const std::exception&) {
                continue;  // refused with a message (tested in shapes_test)
              }
              torch::nn::Sequential stage;
              build(stage, layer, in);
              std::vector<int64_t> sizes{2};
              sizes.insert(sizes.end(), in.begin(), in.end());
              const auto out = stage->forward(torch::randn(sizes));
              EXPECT_EQ(out.sizes().slice(1).vec(), expected) << layer.to_string() << " on " << shape_to_string(in);
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 250);
}

TEST(Conv, KernelsStartWithKerasGlorotBounds) {
  torch::manual_seed(0);
  torch::nn::Sequential stage;
  const auto weight = build(stage, conv(16, 3, "relu"), {8, 10, 10});
  const double limit = std::sqrt(6.0 / ((8 + 16) * 9.0));
  EXPECT_LE(weight.abs().max().item<double>(), limit);
  EXPECT_GT(weight.abs().max().item<double>(), 0.95 * limit);
}

TEST(Conv, AnAutoencoderNetTakesFlatRowsAndGivesFlatRows) {
  AutoencoderNet net(input() + conv(4, 3, "relu", ConvOptions().max_pooling(2)) +
                         conv(4, 3, "relu", ConvOptions().upsampling(2)) + output("sigmoid"),
                     Shape{1, 8, 8});
  EXPECT_EQ(net->code_shape(), (Shape{4, 4, 4}));
  EXPECT_EQ(net->code_dim(), 64);
  const auto x = torch::rand({3, 64});
  EXPECT_EQ(net->encode(x).sizes(), (std::vector<int64_t>{3, 64}));
  EXPECT_EQ(net->forward(x).sizes(), (std::vector<int64_t>{3, 64}));
  EXPECT_TRUE(torch::allclose(net->forward(x), net->decode(net->encode(x))));
  // The code, computed independently: max_pool2(relu(conv3x3 with zero padding 1)), channels first
  // (encoder.0 is the "same" padding, encoder.1 the convolution).
  const auto params = net->named_parameters();
  const auto expected = torch::max_pool2d(
      torch::relu(torch::conv2d(x.view({3, 1, 8, 8}), params["encoder.1.weight"], params["encoder.1.bias"], 1, 1)), 2);
  EXPECT_TRUE(torch::allclose(net->encode(x), expected.flatten(1), 1e-5, 1e-6));
  EXPECT_EQ(net->kernels().size(), 3u);
}

TEST(Conv, WithoutBiasHasOnlyItsKernel) {
  const Layer layer = conv(16, 3, "relu", ConvOptions().use_bias(false));
  EXPECT_EQ(layer.to_string(), "conv(16, 3, relu, use_bias=FALSE)");
  torch::nn::Sequential stage;
  build(stage, layer, {8, 10, 10});
  int64_t values = 0;
  for (const auto& p : stage->parameters()) values += p.numel();
  EXPECT_EQ(values, 8 * 16 * 9);
  const std::string summary = (input() + layer + conv(8, 3)).summary(Shape{8, 10, 10});
  EXPECT_NE(summary.find("Total params: " + std::to_string(8 * 16 * 9 + 16 * 8 * 9 + 8)), std::string::npos) << summary;
}

}  // namespace
}  // namespace hourglass::nn
