// JSON that comes from outside (a web request, a model file's header or config, options
// given as text), parsed with its nesting bounded. nlohmann's parser keeps its own stack,
// but printing, comparing or copying the parsed value recurses once per level: a
// 100,000-deep array parses fine and then overflows the stack wherever it is walked.
// So the depth is counted on the text first, and deeper text is refused unparsed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace hourglass {

/// The most levels of arrays and objects read in JSON from outside: what Hourglass
/// reads nests 3 or 4 levels deep (a tensor's shape inside a header's entry).
inline constexpr int kMaxJsonDepth = 32;

/// The deepest nesting of arrays and objects in `text`, outside strings, counted without
/// parsing; the count stops at the first level past `limit`.
int json_depth(std::string_view text, int limit = kMaxJsonDepth);

/// `text` parsed, or a discarded value (`is_discarded()`) when it is not JSON. Text that
/// nests deeper than `max_depth` is refused with an InvalidArgument naming `what` (e.g.
/// "the training request"), whatever else is wrong with it.
nlohmann::json parse_json(std::string_view text, const std::string& what, int max_depth = kMaxJsonDepth);

/// A std::variant's value as JSON: std::monostate is null, the others as nlohmann writes them.
template <typename... T>
nlohmann::json variant_to_json(const std::variant<T...>& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {
          return nullptr;
        } else {
          return v;
        }
      },
      value);
}

}  // namespace hourglass
