#include "data/text_encoding.hpp"

#include <iconv.h>
#include <strings.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

size_t line_of(std::string_view text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string hex_byte(unsigned char byte) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "0x%02X", byte);
  return digits;
}

// The length of the UTF-8 sequence at `p` (1 to 4), or 0 when none starts there: a
// stray continuation byte, an overlong form, a surrogate, a code point past U+10FFFF or
// a sequence cut short.
size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the valid range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<size_t>(end - p) < length || p[1] < low || p[1] > high) return 0;
  for (size_t i = 2; i < length; ++i)
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  return length;
}

}  // namespace

bool is_utf8_name(const std::string& name) {
  return strcasecmp(name.c_str(), "utf-8") == 0 || strcasecmp(name.c_str(), "utf8") == 0;
}

void check_utf8(std::string_view text, const std::string& source) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = begin + text.size();
  for (const unsigned char* p = begin; p < end;) {
    const size_t length = utf8_sequence(p, end);
    if (length == 0) {
      const size_t offset = static_cast<size_t>(p - begin);
      throw DataError("'" + source + "': line " + std::to_string(line_of(text, offset)) + " is not UTF-8 text (byte " +
                      hex_byte(*p) +
                      "); give the file's encoding, e.g. --encoding latin1 (or cp1252 for files from Windows), or "
                      "convert it: iconv -f latin1 -t utf-8");
    }
    p += length;
  }
}

std::string to_utf8(std::string_view bytes, const std::string& encoding, const std::string& source) {
  const iconv_t converter = iconv_open("UTF-8", encoding.c_str());
  if (converter == reinterpret_cast<iconv_t>(-1)) {
    throw InvalidArgument(
        "unknown text encoding '" + abbreviate(encoding) +
        "'; expected a name such as utf-8, latin1, cp1252, utf-16 or shift_jis (iconv -l lists them)");
  }
  const std::unique_ptr<void, int (*)(iconv_t)> closing(converter, iconv_close);
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write there
  size_t in_left = bytes.size(), done = 0;
  while (in_left > 0) {
    char* next = out.data() + done;
    size_t out_left = out.size() - done;
    const size_t result = iconv(converter, &in, &in_left, &next, &out_left);
    done = static_cast<size_t>(next - out.data());
    if (result != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    const size_t offset = bytes.size() - in_left;
    throw DataError("'" + source + "': line " + std::to_string(line_of(bytes, offset)) + " is not " + encoding +
                    " text (byte " + hex_byte(static_cast<unsigned char>(bytes[offset])) +
                    (errno == EINVAL ? ", the file ends inside a character" : "") +
                    "); give the file's real encoding with --encoding");
  }
  out.resize(done);
  return out;
}

}  // namespace hourglass
