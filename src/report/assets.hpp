// Files compiled into the library (cmake/EmbedAssets.cmake writes their definitions):
// the charting library from npm and the pages of the report and the web interface from
// web/. A report inlines them, so it opens offline; the web server serves them.
#pragma once

#include <string_view>

namespace hourglass::assets {

// Vega, Vega-Lite and vega-embed (web/node_modules, minified), in that order of loading.
std::string_view vega_js();
std::string_view vega_lite_js();
std::string_view vega_embed_js();

// web/report.js and web/report.css: the report page's charts and style.
std::string_view report_js();
std::string_view report_css();

// web/app.html, web/app.js and web/app.css: the web interface (hourglass serve).
std::string_view app_html();
std::string_view app_js();
std::string_view app_css();

}  // namespace hourglass::assets
