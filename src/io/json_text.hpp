// JSON that comes from outside (a web request, a model file's header or config, options
// given as text), parsed with its nesting bounded. nlohmann's parser keeps its own stack,
// but printing, comparing or copying the parsed value recurses once per level: a
// 100,000-deep array parses fine and then overflows the stack wherever it is walked.
// So the depth is counted on the text first, and deeper text is refused unparsed.
#pragma once

#include <cstddef>
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

namespace detail {
template <typename Variant, size_t I>
Variant variant_alternative_from_json(const nlohmann::json& value) {
  using T = std::variant_alternative_t<I, Variant>;
  if constexpr (I + 1 == std::variant_size_v<Variant>) {
    return value.get<T>();  // nlohmann's type error when it does not fit
  } else {
    bool fits = false;
    if constexpr (std::is_same_v<T, std::monostate>) {
      fits = value.is_null();
    } else if constexpr (std::is_same_v<T, bool>) {
      fits = value.is_boolean();
    } else if constexpr (std::is_integral_v<T>) {
      fits = value.is_number_integer();
    } else if constexpr (std::is_floating_point_v<T>) {
      fits = value.is_number();
    } else if constexpr (std::is_same_v<T, std::string>) {
      fits = value.is_string();
    }
    if (fits) {
      if constexpr (std::is_same_v<T, std::monostate>) {
        return T{};
      } else {
        return value.get<T>();
      }
    }
    return variant_alternative_from_json<Variant, I + 1>(value);
  }
}
}  // namespace detail

/// The inverse of variant_to_json: the first alternative of `Variant` that the JSON value's
/// type fits (null: std::monostate, true/false: bool, a whole number: an integer type, any
/// number: a floating type, text: std::string), else the last alternative as nlohmann
/// reads it, which throws its type error when that does not fit either.
template <typename Variant>
Variant variant_from_json(const nlohmann::json& value) {
  return detail::variant_alternative_from_json<Variant, 0>(value);
}

}  // namespace hourglass
