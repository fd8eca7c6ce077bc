// JSON from outside, parsed with its depth bounded (io/json_text.hpp).
#include "io/json_text.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

TEST(JsonText, DepthIsCountedOutsideStrings) {
  EXPECT_EQ(json_depth("1"), 0);
  EXPECT_EQ(json_depth(R"({"a": [1, {"b": []}]})"), 4);
  EXPECT_EQ(json_depth(R"({"a": "[[[[\"[[[["})"), 1);
  EXPECT_EQ(json_depth(std::string(100000, '[') + std::string(100000, ']'), 5), 6);  // stops past the limit
}

// 100,000 levels: nlohmann's parser would read them, and printing the value would then
// overflow the stack (the web server's error path did). Refused before parsing.
TEST(JsonText, TextNestedDeeperThanTheBoundIsRefusedUnparsed) {
  const std::string deep = "{\"dataset\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  try {
    parse_json(deep, "the training's description");
    FAIL() << "parsed";
  } catch (const InvalidArgument& e) {
    EXPECT_STREQ(e.what(),
                 "expected the training's description as JSON nesting at most 32 levels of arrays and objects, got "
                 "deeper nesting; nothing was read");
  }
  EXPECT_EQ(parse_json(std::string(32, '[') + std::string(32, ']'), "x").dump(),
            std::string(32, '[') + std::string(32, ']'));
  EXPECT_TRUE(parse_json("{\"a\": ", "x").is_discarded());
  EXPECT_EQ(parse_json(R"({"epochs": 3})", "x").at("epochs"), 3);
}

}  // namespace
}  // namespace hourglass
