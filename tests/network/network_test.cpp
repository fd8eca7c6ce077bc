#include "hourglass/network/network.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

TEST(Network, FromSizesExpandsSymmetricallyLikeRuta) {
  const Network net = Network::from_sizes({64, 16});
  const Network expected = input() + dense(64) + dense(16) + dense(64) + output();
  EXPECT_EQ(net, expected);
  EXPECT_EQ(Network::from_sizes({3}), input() + dense(3) + output());
}

TEST(Network, FromSizesAppliesActivations) {
  const Network net = Network::from_sizes({8, 2}, "tanh", "sigmoid");
  EXPECT_EQ(net[1].activation(), "tanh");
  EXPECT_EQ(net[3].activation(), "tanh");
  EXPECT_EQ(net[4].activation(), "sigmoid");
}

TEST(Network, EncodingIndexIsTheMiddleSizedLayer) {
  EXPECT_EQ(Network::from_sizes({64, 16}).encoding_index(), 2u);
  EXPECT_EQ((input() + dense(2) + output()).encoding_index(), 1u);
  // dropout and batch_norm have no units of their own and do not count
  EXPECT_EQ((input() + dense(8) + dropout(0.1) + dense(2) + batch_norm() + dense(8) + output()).encoding_index(), 3u);
  // an even count takes the last layer of the first half
  EXPECT_EQ((input() + dense(8) + dense(4) + dense(3) + dense(8) + output()).encoding_index(), 2u);
  EXPECT_THROW((input() + output()).encoding_index(), InvalidArgument);
}

TEST(Network, IndexingSlicingAndSelecting) {
  const Network net = input() + dense(1000) + dense(100) + dense(1000) + output();
  EXPECT_EQ(net.size(), 5u);
  EXPECT_EQ(net[2], dense(100));
  EXPECT_EQ(net.slice(1, 3), dense(1000) + dense(100));
  EXPECT_EQ(net.select({0, 2, 4}), input() + dense(100) + output());
  EXPECT_THROW(net[5], InvalidArgument);
  EXPECT_THROW(net.slice(3, 6), InvalidArgument);
}

TEST(Network, ValidateNamesWhatIsWrong) {
  EXPECT_NO_THROW((input() + dense(2) + output()).validate());
  try {
    (dense(2) + output()).validate();
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("must start with input()"), std::string::npos);
  }
  EXPECT_THROW((input() + dense(2)).validate(), InvalidArgument);
  EXPECT_THROW((input() + input() + dense(2) + output()).validate(), InvalidArgument);
  EXPECT_THROW((input() + dropout(0.2) + output()).validate(), InvalidArgument);
}

TEST(Network, LayerConstructorsRejectBadValues) {
  EXPECT_THROW(dense(0), InvalidArgument);
  EXPECT_THROW(dropout(1.0), InvalidArgument);
  try {
    dense(4, "relux");
    FAIL();
  } catch (const InvalidArgument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("relux"), std::string::npos);
    EXPECT_NE(message.find("hard_sigmoid"), std::string::npos);  // lists the valid ones
  }
}

TEST(Network, SummaryCountsParametersLikeKeras) {
  // 784-392-10-392-784 as in seed 003: 307,720 + 3,930 + 4,312 + 308,112 = 624,074
  const std::string table = Network::from_sizes({392, 10}, "relu", "sigmoid").summary(784);
  EXPECT_NE(table.find("Total params: 624074"), std::string::npos) << table;
  EXPECT_NE(table.find("(None, 10)"), std::string::npos);
  EXPECT_NE(table.find("<- encoding"), std::string::npos);
  // batch_norm: 2 trainable and 2 running statistics per unit
  const std::string bn = (input() + dense(4) + batch_norm() + output()).summary(3);
  EXPECT_NE(bn.find("Trainable params: " + std::to_string(16 + 8 + 15)), std::string::npos) << bn;
  EXPECT_NE(bn.find("Non-trainable params: 8"), std::string::npos) << bn;
  // The count alone, as R's count_params() and the bindings read it.
  EXPECT_EQ(Network::from_sizes({392, 10}, "relu", "sigmoid").parameter_count(Shape{784}), 624074);
  EXPECT_EQ((input() + dense(4) + batch_norm() + output()).parameter_count(Shape{3}), 16 + 8 + 15 + 8);
}

}  // namespace
}  // namespace hourglass
