#include "io/json_text.hpp"

#include <algorithm>

#include "hourglass/error.hpp"

namespace hourglass {

int json_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

nlohmann::json parse_json(std::string_view text, const std::string& what, int max_depth) {
  if (json_depth(text, max_depth) > max_depth) {
    throw InvalidArgument("expected " + what + " as JSON nesting at most " + std::to_string(max_depth) +
                          " levels of arrays and objects, got deeper nesting; nothing was read");
  }
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace hourglass
