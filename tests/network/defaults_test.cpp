// The network an interface builds when the user names none (network/defaults.hpp).
#include "hourglass/network/defaults.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "hourglass/network/parse.hpp"

namespace hourglass {
namespace {

TEST(DefaultNetwork, HalfTheValuesAtLeastOneAtMost64) {
  EXPECT_EQ(default_network(4), "2:tanh");
  EXPECT_EQ(default_network(1), "1:tanh");
  EXPECT_EQ(default_network(3), "1:tanh");
  EXPECT_EQ(default_network(784), "64:tanh");
  EXPECT_NO_THROW(parse_network(default_network(9)));
  EXPECT_THROW(default_network(0), InvalidArgument);
}

}  // namespace
}  // namespace hourglass
