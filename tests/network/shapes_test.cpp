// Shape inference for conv, pooling, upsampling, transposed conv, flatten and reshape.
#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "hourglass/network/network.hpp"
#include "hourglass/network/parse.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::error_of;

// The shape `layer` gives to samples of `in`, read from a network around it.
Shape shape_after(const Layer& layer, const Shape& in) {
  return (input() + layer + flatten() + dense(2) + output()).output_shapes(in)[1];
}

TEST(Shapes, ConvFollowsKerasPaddingAndStrides) {
  EXPECT_EQ(shape_after(conv(4, 3), {1, 28, 28}), (Shape{4, 28, 28}));
  EXPECT_EQ(shape_after(conv(4, 3, "relu", ConvOptions().padding("valid")), {1, 28, 28}), (Shape{4, 26, 26}));
  EXPECT_EQ(shape_after(conv(4, 3, "relu", ConvOptions().strides(2)), {1, 28, 28}), (Shape{4, 14, 14}));
  EXPECT_EQ(shape_after(conv(4, 3, "relu", ConvOptions().strides(2)), {1, 7, 9}), (Shape{4, 4, 5}));
  EXPECT_EQ(shape_after(conv(4, 3, "relu", ConvOptions().padding("valid").strides(2)), {1, 28, 28}),
            (Shape{4, 13, 13}));
  EXPECT_EQ(shape_after(conv(3, 5), {2, 10}), (Shape{3, 10}));  // 1-D on channels x length
}

TEST(Shapes, PoolingRoundsByPaddingAndUpsamplingMultiplies) {
  EXPECT_EQ(shape_after(conv(8, 3, "relu", ConvOptions().max_pooling(2)), {1, 7, 7}), (Shape{8, 4, 4}));
  EXPECT_EQ(shape_after(conv(8, 3, "relu", ConvOptions().padding("valid").average_pooling(2)), {1, 9, 9}),
            (Shape{8, 3, 3}));
  EXPECT_EQ(shape_after(conv(8, 3, "relu", ConvOptions().upsampling(3)), {2, 4, 5}), (Shape{8, 12, 15}));
  EXPECT_EQ(shape_after(conv(8, 3, "relu", ConvOptions().max_pooling(2)), {1, 1, 1}), (Shape{8, 1, 1}));
}

TEST(Shapes, TransposedConvMultipliesBySideStride) {
  EXPECT_EQ(shape_after(conv_transpose(4, 3, "relu", ConvOptions().strides(2)), {1, 7, 7}), (Shape{4, 14, 14}));
  EXPECT_EQ(shape_after(conv_transpose(4, 3, "relu", ConvOptions().strides(2).padding("valid")), {1, 7, 7}),
            (Shape{4, 15, 15}));
  EXPECT_EQ(shape_after(conv_transpose(4, 1, "relu", ConvOptions().strides(3).padding("valid")), {1, 5}),
            (Shape{4, 15}));
}

TEST(Shapes, FlattenReshapeAndOutput) {
  const auto net = parse_network(
      "input() + conv(16, 3, relu, max_pooling = 2) + conv(8, 3, relu, max_pooling = 2) + "
      "conv(8, 3, relu, max_pooling = 2) + flatten() + dense(2) + dense(128, relu) + reshape(8, 4, 4) + "
      "conv(8, 3, relu, upsampling = 2) + conv(8, 3, relu, upsampling = 2) + "
      "conv(16, 3, relu, padding = valid, upsampling = 2) + conv(1, 3, sigmoid)");
  const auto shapes = net.output_shapes({1, 28, 28});
  const std::vector<Shape> expected = {{1, 28, 28}, {16, 14, 14}, {8, 7, 7}, {8, 4, 4},   {128},        {2},
                                       {128},       {8, 4, 4},    {8, 8, 8}, {8, 16, 16}, {16, 28, 28}, {1, 28, 28}};
  EXPECT_EQ(shapes, expected);
  EXPECT_EQ(net.encoding_index(), 5u);  // dense(2)
  // output() after conv layers is a conv back to the data's channels.
  EXPECT_EQ((input() + conv(4, 3) + output("sigmoid")).output_shapes({3, 8, 8}).back(), (Shape{3, 8, 8}));
  // A network without conv layers reads images flat.
  EXPECT_EQ(Network::from_sizes({16, 2}).output_shapes({1, 4, 4})[1], (Shape{16}));
}

TEST(Shapes, AConvOnlyNetworkEncodesBeforeItsFirstUpsampling) {
  const auto ruta = parse_network(
      "input() + conv(16, 3, relu, max_pooling = 2) + conv(8, 3, relu, max_pooling = 2) + "
      "conv(8, 3, relu, upsampling = 2) + conv(16, 3, relu, upsampling = 2) + conv(1, 3, sigmoid)");
  EXPECT_EQ(ruta.encoding_index(), 2u);
  EXPECT_EQ(ruta.output_shapes({1, 28, 28})[2], (Shape{8, 7, 7}));
}

TEST(Shapes, MisfitsNameTheLayerAndBothShapes) {
  EXPECT_EQ(error_of<InvalidArgument>([] { (input() + conv(4, 3) + output()).output_shapes({4}); }),
            "network 'input() + conv(4, 3, linear) + output(linear)': conv(4, 3, linear) at position 1 receives "
            "shape 4 but needs channels-first samples of shape CxL (1-D) or CxHxW (2-D); tabular data has no "
            "channels: read images (IDX) or an .npy of shape NxCxHxW, or use reshape() before it");
  EXPECT_EQ(error_of<InvalidArgument>([] {
              (input() + conv(4, 3) + dense(2) + output()).output_shapes({1, 8, 8});
            }),
            "network 'input() + conv(4, 3, linear) + dense(2, linear) + output(linear)': dense(2, linear) at "
            "position 2 receives shape 4x8x8 but takes one dimension; add flatten() before it");
  EXPECT_EQ(
      error_of<InvalidArgument>([] {
        (input() + conv(4, 3, "relu", ConvOptions().padding("valid").max_pooling(2)) + flatten() + dense(2) + output())
            .output_shapes({1, 3, 3});
      }),
      "network 'input() + conv(4, 3, relu, padding=valid, max_pooling=2) + flatten() + dense(2, linear) + "
      "output(linear)': conv(4, 3, relu, padding=valid, max_pooling=2) at position 1 receives shape 1x3x3 "
      "but pools by 2 a side of 1, which would shrink it below 1");
  EXPECT_EQ(error_of<InvalidArgument>([] {
              (input() + flatten() + reshape({5, 5}) + conv(1, 3)).output_shapes({1, 4, 4});
            }),
            "network 'input() + flatten() + reshape(5, 5) + conv(1, 3, linear)': reshape(5, 5) at position 2 "
            "receives shape 16 but holds 16 values and the target holds 25");
  EXPECT_EQ(error_of<InvalidArgument>([] {
              (input() + conv(4, 3, "relu", ConvOptions().max_pooling(2)) + conv(1, 3)).output_shapes({1, 8, 8});
            }),
            "network 'input() + conv(4, 3, relu, max_pooling=2) + conv(1, 3, linear)': its last layer conv(1, 3, "
            "linear) gives shape 1x4x4 but the data has shape 1x8x8; the reconstruction must have the data's shape");
}

TEST(Shapes, ConvSpecsParseAndPrintBack) {
  const auto net = parse_network(
      "input() + conv(16, 3, relu, max_pooling = 2) + conv(1, 3, padding = 'valid', "
      "activation = sigmoid, upsampling = 2) + conv_transpose(1, 2, strides = 2) + output()");
  EXPECT_EQ(net[1], conv(16, 3, "relu", ConvOptions().max_pooling(2)));
  EXPECT_EQ(net[2], conv(1, 3, "sigmoid", ConvOptions().padding("valid").upsampling(2)));
  EXPECT_EQ(net[3], conv_transpose(1, 2, "linear", ConvOptions().strides(2)));
  EXPECT_EQ(parse_network(net.to_string()), net);
  EXPECT_THROW(parse_network("input() + conv(4, 3, max_pooling = 2, upsampling = 2) + output()"), ParseError);
  EXPECT_THROW(parse_network("input() + conv(4) + output()"), ParseError);
  EXPECT_THROW(parse_network("input() + conv(4, 3, padding = full) + output()"), ParseError);
  EXPECT_THROW(parse_network("input() + reshape(0, 2) + output()"), ParseError);
}

}  // namespace
}  // namespace hourglass
