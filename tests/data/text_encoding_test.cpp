// Tables in any text encoding (data/text_encoding.hpp, ReadOptions::encoding).
#include "data/text_encoding.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"

namespace hourglass {
namespace {

std::string encoding_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TextEncoding, TextThatIsNotUtf8IsRefusedWithItsLineAndByte) {
  check_utf8("caf\xC3\xA9,b\n\xE2\x82\xAC,\xF0\x9F\x98\x80\n", "ok.csv");  // é, €, an emoji
  EXPECT_EQ(encoding_error([] { check_utf8("a,b\ncaf\xE9,2\n", "l1.csv"); }),
            "'l1.csv': line 2 is not UTF-8 text (byte 0xE9); give the file's encoding, e.g. --encoding latin1 (or "
            "cp1252 for files from Windows), or convert it: iconv -f latin1 -t utf-8");
  // Overlong forms (the "%c0%ae" of path attacks), surrogates, cut sequences, past U+10FFFF.
  for (const std::string bad : {"\xC0\xAE", "\xED\xA0\x80", "\xE2\x82", "\xF4\x90\x80\x80", "\x80", "\xFF"})
    EXPECT_NE(encoding_error([&] { check_utf8(bad, "x"); }), "") << bad.size();
}

TEST(TextEncoding, Latin1AndWindowsTextBecomeUtf8) {
  EXPECT_EQ(to_utf8("caf\xE9", "latin1", "x"), "caf\xC3\xA9");
  EXPECT_EQ(to_utf8("\x80 5", "CP1252", "x"), "\xE2\x82\xAC 5");
  EXPECT_EQ(to_utf8(std::string("\xFF\xFE"
                                "a\0,\0b\0",
                                8),
                    "UTF-16", "x"),
            "a,b");
  EXPECT_NE(encoding_error([] { to_utf8("a", "klingon", "x"); }).find("unknown text encoding 'klingon'"),
            std::string::npos);
  EXPECT_NE(
      encoding_error([] { to_utf8("ok\n\x81", "shift_jis", "sj.csv"); }).find("'sj.csv': line 2 is not shift_jis"),
      std::string::npos);
}

// Levels and column names come back as UTF-8, and the same rows read in either encoding
// are the same data.
TEST(TextEncoding, ATableReadsTheSameInEveryEncodingItIsWrittenIn) {
  const std::string utf8 = "caf\xC3\xA9,n\nv\xC3\xA9lo,1\nauto,2\nv\xC3\xA9lo,3\n";
  const std::string latin1 = "caf\xE9,n\nv\xE9lo,1\nauto,2\nv\xE9lo,3\n";
  const Dataset a = parse_delimited(utf8, "a.csv");
  const Dataset b = parse_delimited(latin1, "b.csv", ReadOptions().encoding("latin1"));
  EXPECT_EQ(a.columns, b.columns);
  EXPECT_EQ(a.columns[0], "caf\xC3\xA9");
  EXPECT_EQ(a.levels, b.levels);
  EXPECT_EQ(a.levels[0], (std::vector<std::string>{"auto", "v\xC3\xA9lo"}));
  EXPECT_TRUE(a.features.equal(b.features));
  EXPECT_NE(encoding_error([&] { parse_delimited(latin1, "b.csv"); }).find("'b.csv': line 1 is not UTF-8"),
            std::string::npos);
  std::string utf16 = "\xFF\xFE";  // UTF-16LE with its byte order mark: found without being told
  for (char c : std::string("x,n\n1,2\n3,4\n")) utf16 += std::string{c, '\0'};
  EXPECT_EQ(parse_delimited(utf16, "w.csv").columns, (std::vector<std::string>{"x", "n"}));
}

}  // namespace
}  // namespace hourglass
