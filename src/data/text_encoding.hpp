// The text of a table as UTF-8, whatever it was written in. Files are UTF-8 unless
// told otherwise (ReadOptions::encoding, --encoding), or UTF-16 when they start with its
// byte order mark; text that is not what it claims to be is refused with the line and the
// byte, never read half-way.
#pragma once

#include <string>
#include <string_view>

namespace hourglass {

/// Whether `name` names UTF-8 ("UTF-8", "utf8", any case).
bool is_utf8_name(const std::string& name);

/// `bytes` converted from `encoding` (any name glibc's iconv knows: latin1, cp1252,
/// shift_jis, utf-16, ...) to UTF-8. Throws DataError naming `source` and the line when
/// the bytes are not valid in that encoding, InvalidArgument for an unknown encoding.
std::string to_utf8(std::string_view bytes, const std::string& encoding, const std::string& source);

/// Throws DataError naming `source`, the line and the byte when `text` is not UTF-8,
/// with what to do about it (--encoding, iconv).
void check_utf8(std::string_view text, const std::string& source);

}  // namespace hourglass
