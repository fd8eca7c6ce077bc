#include "hourglass/error.hpp"

#include <charconv>

namespace hourglass {

std::string join(const std::vector<std::string>& names, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += separator;
    out += names[i];
  }
  return out;
}

std::string format_number(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

InvalidArgument unknown_name(std::string_view kind, std::string_view name,
                             const std::vector<std::string>& valid) {
  return InvalidArgument("unknown " + std::string(kind) + " '" + std::string(name) +
                         "' (valid: " + join(valid) + ")");
}

}  // namespace hourglass
