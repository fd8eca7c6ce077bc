#include "hourglass/error.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

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

std::string shape_to_string(const std::vector<int64_t>& shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "x" : "") + std::to_string(shape[i]);
  return out;
}

std::string abbreviate(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, std::min(text.size(), max))) out += (c == '\n' || c == '\r') ? ' ' : c;
  if (text.size() > max) out += "... (" + std::to_string(text.size()) + " characters)";
  return out;
}

std::string format_bytes(uint64_t bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) value /= 1000, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

InvalidArgument unknown_name(std::string_view kind, std::string_view name, const std::vector<std::string>& valid) {
  return InvalidArgument("unknown " + std::string(kind) + " '" + abbreviate(name) + "' (valid: " + join(valid) + ")");
}

}  // namespace hourglass
