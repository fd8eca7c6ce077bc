// Which Host headers the web server answers (serve/hosts.hpp): DNS rebinding refused
// whatever address the server listens on.
#include "serve/hosts.hpp"

#include <gtest/gtest.h>

namespace hourglass::serve {
namespace {

TEST(Hosts, AHostHeaderIsANameOrAnAddressAndAPortNothingElse) {
  EXPECT_EQ(host_name("Box.LAN:8080"), "box.lan");
  EXPECT_EQ(host_name("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(host_name("[::1]:80"), "[::1]");
  for (const std::string bad : {"", "127.0.0.1:1@evil.example", "evil.example:80:80", "a b", "[::1", "[evil]:80",
                                "127.0.0.1:123456", "127.0.0.1:", "user@127.0.0.1", "127.0.0.1/x", "caf\xe9"}) {
    EXPECT_FALSE(host_name(bad)) << bad;
  }
}

TEST(Hosts, OnLoopbackOnlyLoopbackNamesAreAnswered) {
  for (const std::string bound : {"127.0.0.1", "localhost", "::1"}) {
    for (const std::string host : {"127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080", "127.0.0.2"})
      EXPECT_TRUE(host_admitted(host, bound, {})) << bound << " " << host;
    for (const std::string host : {"evil.example:8080", "127.0.0.1:1@evil.example", "192.168.1.5:8080",
                                   "127.0.0.1.evil.example", "localhost.evil.example"})
      EXPECT_FALSE(host_admitted(host, bound, {})) << bound << " " << host;
  }
  EXPECT_TRUE(host_admitted("box.lan:8080", "127.0.0.1", {"box.lan"}));
}

// With --host 0.0.0.0 the server is reached by its addresses, which no rebinding can
// use, and by the names the user allowed; every other name is another site's.
TEST(Hosts, OnOtherAddressesAddressesAndAllowedNamesAreAnswered) {
  for (const std::string host : {"192.168.1.5:8080", "10.0.0.1", "[fe80::1]:8080", "localhost:8080"})
    EXPECT_TRUE(host_admitted(host, "0.0.0.0", {})) << host;
  for (const std::string host : {"evil.example:8080", "box.lan:8080", "192.168.1.5.evil.example", "999.1.1.1"})
    EXPECT_FALSE(host_admitted(host, "0.0.0.0", {})) << host;
  EXPECT_TRUE(host_admitted("Box.Lan:8080", "0.0.0.0", {"box.lan"}));
  EXPECT_FALSE(host_admitted("box.lan.evil.example", "0.0.0.0", {"box.lan"}));
}

TEST(Hosts, LoopbackIsTheWholeOf127AndIpv6sOwn) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.255.0.9"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
  EXPECT_FALSE(is_loopback("128.0.0.1"));
  EXPECT_FALSE(is_loopback("::"));
}

}  // namespace
}  // namespace hourglass::serve
