#include "hourglass/registry.hpp"

#include <gtest/gtest.h>

#include "hourglass/data/scaler.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/network/layer_kind.hpp"
#include "hourglass/noise/noise.hpp"
#include "hourglass/train/optimizers.hpp"
#include "hourglass/variants/autoencoder.hpp"
#include "support/fixtures.hpp"
#include "train/precision.hpp"

namespace hourglass {
namespace {

TEST(Registry, FindsNamesAndAliasesInOrder) {
  Registry<int> numbers("number");
  numbers.add("one", 1, {"uno"});
  numbers.add("two", 2);
  EXPECT_EQ(numbers.at("uno"), 1);
  EXPECT_EQ(numbers.at("two"), 2);
  EXPECT_EQ(numbers.canonical("uno"), "one");
  EXPECT_EQ(numbers.names(), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(numbers.all_names(), (std::vector<std::string>{"one", "uno", "two"}));
  EXPECT_EQ(numbers.find("three"), nullptr);
  EXPECT_EQ(testing::error_of<InvalidArgument>([&] { numbers.at("three"); }),
            "unknown number 'three' (valid: one, uno, two)");
  EXPECT_THROW(numbers.add("uno", 3), InvalidArgument);
  EXPECT_THROW(numbers.add("", 3), InvalidArgument);
}

// Every name registry answers an unknown name the same way.
TEST(Registry, EveryRegistryRefusesAnUnknownNameListingTheValidOnes) {
  const std::vector<std::pair<std::string, std::function<void()>>> lookups = {
      {"unknown loss 'x' (valid: mse", [] { loss_function("x"); }},
      {"unknown metric 'x' (valid: mse", [] { metric_function("x"); }},
      {"unknown activation 'x' (valid: linear", [] { check_activation("x"); }},
      {"unknown optimizer 'x' (valid: sgd", [] { default_learning_rate("x"); }},
      {"unknown scaler 'x' (valid: none", [] { check_scaler("x"); }},
      {"unknown precision 'x' (valid: fp32", [] { check_precision("x"); }},
      {"unknown noise 'x' (valid: zeros", [] { noise("x"); }},
      {"unknown autoencoder type 'x' (valid: basic", [] { make_variant(autoencoder("2"), "x"); }},
      {"unknown layer 'x' (valid: input", [] { layer_kind("x"); }},
  };
  for (const auto& [expected, lookup] : lookups) {
    EXPECT_EQ(testing::error_of<InvalidArgument>(lookup).rfind(expected, 0), 0u) << expected;
  }
}

}  // namespace
}  // namespace hourglass
