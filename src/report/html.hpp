// Small helpers for writing HTML by hand: escaping, data: URLs, JSON inside <script>.
#pragma once

#include <string>
#include <string_view>

namespace hourglass::html {

/// Text safe inside an element or a quoted attribute: & < > " ' escaped.
std::string escape(std::string_view text);

/// RFC 4648 base64, with padding.
std::string base64(std::string_view bytes);

/// "data:image/png;base64,..." for PNG bytes.
std::string png_data_url(std::string_view png);

/// JSON text made safe to place inside <script type="application/json">: every '<'
/// becomes \u003c (JSON has '<' only inside strings), so "</script>" cannot end the element.
std::string json_in_script(std::string_view json);

}  // namespace hourglass::html
