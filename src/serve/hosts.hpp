// Which Host headers the web server answers: the defence against DNS rebinding, where
// another site's page reaches the server through a name of the attacker's that resolves
// to this machine. The browser sends that name as the Host header, so the server answers
// only names it knows: on a loopback address, the loopback names; on any other address,
// IP addresses (no rebinding goes through one), localhost, and the names the user allowed
// (`hourglass serve --allow-host NAME`).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hourglass::serve {

/// The name in a Host header, lower-cased and without its port ("Box.lan:8080" ->
/// "box.lan", "[::1]:80" -> "[::1]"); nothing when the header is not a name, an IPv4
/// address or a bracketed IPv6 address with an optional port (e.g. "a:1@b", "a b").
std::optional<std::string> host_name(const std::string& header);

/// Whether a server listening on `bound` (its --host) answers a request whose Host
/// header is `header`, given the names allowed besides (lower-case).
bool host_admitted(const std::string& header, const std::string& bound, const std::vector<std::string>& allowed);

/// Whether `bound` (an address to listen on) is this machine's own: 127.0.0.0/8, ::1 or
/// localhost.
bool is_loopback(const std::string& bound);

}  // namespace hourglass::serve
