#include "serve/hosts.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <regex>

namespace hourglass::serve {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool is_ipv4(const std::string& name) {
  in_addr address{};
  return inet_pton(AF_INET, name.c_str(), &address) == 1;
}

bool is_bracketed_ipv6(const std::string& name) {
  in6_addr address{};
  return name.size() > 2 && name.front() == '[' && name.back() == ']' &&
         inet_pton(AF_INET6, name.substr(1, name.size() - 2).c_str(), &address) == 1;
}

}  // namespace

std::optional<std::string> host_name(const std::string& header) {
  // RFC 3986's host (a registered name of letters, digits, dots and hyphens, or an IP
  // literal in brackets) and an optional port; no user information, no spaces.
  static const std::regex form(R"(^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$)");
  std::smatch match;
  if (!std::regex_match(header, match, form)) return std::nullopt;
  const std::string name = lower(match[1].str());
  if (name.front() == '[' && !is_bracketed_ipv6(name)) return std::nullopt;
  return name;
}

bool is_loopback(const std::string& bound) {
  const std::string name = lower(bound);
  if (name == "localhost" || name == "::1" || name == "[::1]") return true;
  in_addr address{};
  return inet_pton(AF_INET, name.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

bool host_admitted(const std::string& header, const std::string& bound, const std::vector<std::string>& allowed) {
  const auto name = host_name(header);
  if (!name) return false;
  if (std::find(allowed.begin(), allowed.end(), *name) != allowed.end()) return true;
  if (is_loopback(bound)) return is_loopback(*name);
  return *name == "localhost" || is_ipv4(*name) || is_bracketed_ipv6(*name);
}

}  // namespace hourglass::serve
