#include "hourglass/network/parse.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

TEST(ParseNetwork, ReadsRutaExpressions) {
  const Network net = parse_network("input() + dense(256, elu) + dense(36, tanh) + dense(256, elu) + output(sigmoid)");
  EXPECT_EQ(net, input() + dense(256, "elu") + dense(36, "tanh") + dense(256, "elu") + output("sigmoid"));
}

TEST(ParseNetwork, AcceptsNamedQuotedAndDefaultArguments) {
  EXPECT_EQ(parse_network("input()+dense(units=8, activation=\"relu\")+dropout(rate=0.25)+"
                          "batch_norm()+dense(8,'selu')+output()"),
            input() + dense(8, "relu") + dropout(0.25) + batch_norm() + dense(8, "selu") + output());
  EXPECT_EQ(parse_network("input() + dense(3) + dropout() + output()"), input() + dense(3) + dropout(0.5) + output());
}

TEST(ParseNetwork, ShortFormIsFromSizes) {
  EXPECT_EQ(parse_network("64,16"), Network::from_sizes({64, 16}));
  EXPECT_EQ(parse_network(" 64, 16 :sigmoid"), Network::from_sizes({64, 16}, "sigmoid"));
  EXPECT_EQ(parse_network("6,2:tanh:sigmoid"), Network::from_sizes({6, 2}, "tanh", "sigmoid"));
}

TEST(ParseNetwork, ToStringRoundTrips) {
  const Network net =
      input() + dense(7, "leaky_relu") + dropout(0.3) + batch_norm() + dense(2, "hard_sigmoid") + output("softplus");
  EXPECT_EQ(parse_network(net.to_string()), net);
}

std::string spec_error(const std::string& spec) {
  return testing::error_of<ParseError>([&] { parse_network(spec); });
}

TEST(ParseNetwork, ErrorsPointAtTheOffendingToken) {
  EXPECT_NE(spec_error("input() + dens(4) + output()").find("column 11 ('dens'): unknown layer"), std::string::npos)
      << spec_error("input() + dens(4) + output()");
  EXPECT_NE(spec_error("input() + dense(4, relux) + output()").find("relux"), std::string::npos);
  EXPECT_NE(spec_error("input() + dense(4, relux) + output()").find("valid:"), std::string::npos);
  EXPECT_NE(spec_error("input() + dense(4.5) + output()").find("expected an integer for 'units' (an integer >= 1)"),
            std::string::npos);
  EXPECT_NE(spec_error("input() + dense() + output()").find("needs units"), std::string::npos);
  EXPECT_NE(spec_error("input() + dense(4, size=3)").find("unknown argument 'size'"), std::string::npos);
  EXPECT_NE(spec_error("input() + dense(4").find("end of spec"), std::string::npos);
  EXPECT_NE(spec_error("input() dense(4)").find("expected '+'"), std::string::npos);
  EXPECT_NE(spec_error("input() + dense(4, 'elu)").find("unclosed quote"), std::string::npos);
  EXPECT_NE(spec_error("64,x").find("positive layer size"), std::string::npos);
  EXPECT_NE(spec_error("64,0").find("positive layer size"), std::string::npos);
  EXPECT_NE(spec_error("64:foo").find("foo"), std::string::npos);
  EXPECT_NE(spec_error("").find("expected a layer"), std::string::npos);
  EXPECT_NE(spec_error("input() + dropout(1.5)").find("rate must be a number >= 0 and < 1, got 1.5"),
            std::string::npos);
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

TEST(Parse, NumbersBeyondAnyIntegerAreRefused) {  // found by fuzz_spec
  EXPECT_THROW(parse_network("input() + conv(11111111111111111111111111111111111111114, 3) + output()"), ParseError);
  EXPECT_THROW(parse_network("input() + dense(1e300) + output()"), ParseError);
  EXPECT_THROW(parse_network("input() + dense(nan) + output()"), ParseError);
  EXPECT_THROW(parse_network("input() + dense(2.5) + output()"), ParseError);
}

// A 1.1 MB model of 100,000 layers once took minutes to be refused: parsing is linear
// and the count is capped.
TEST(Parse, LongNetworksParseInOnePassUpToTheCap) {
  std::string spec = "input()";
  for (size_t i = 0; i + 2 < kMaxLayers; ++i) spec += " + dense(2)";
  EXPECT_EQ(parse_network(spec + " + output()").size(), kMaxLayers);
  const auto message = testing::error_of<ParseError>([&] { parse_network(spec + " + dense(2) + output()"); });
  EXPECT_NE(message.find("a network has at most 10000 layers"), std::string::npos) << message.substr(0, 200);
  EXPECT_LT(message.size(), 300u);
}

}  // namespace
}  // namespace hourglass
