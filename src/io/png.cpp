#include "hourglass/io/png.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_easy_font.h>
#include <stb/stb_image_write.h>

namespace hourglass {
namespace {

using Colour = std::array<uint8_t, 3>;

// Okabe-Ito's colour-blind safe palette, then four more distinct ones (ten digits).
constexpr std::array<Colour, 10> kPalette = {{{0, 114, 178},
                                              {230, 159, 0},
                                              {0, 158, 115},
                                              {204, 121, 167},
                                              {86, 180, 233},
                                              {213, 94, 0},
                                              {240, 228, 66},
                                              {0, 0, 0},
                                              {153, 153, 153},
                                              {136, 34, 85}}};

void fill_rect(Image& image, int64_t x0, int64_t y0, int64_t x1, int64_t y1, const Colour& colour) {
  x0 = std::max<int64_t>(x0, 0), y0 = std::max<int64_t>(y0, 0);
  x1 = std::min(x1, image.width), y1 = std::min(y1, image.height);
  for (int64_t y = y0; y < y1; ++y) {
    for (int64_t x = x0; x < x1; ++x) std::copy(colour.begin(), colour.end(), &image.rgb[3 * (y * image.width + x)]);
  }
}

// stb_easy_font gives quads of axis-aligned rectangles, 4 vertices of 16 bytes each,
// for a font 7 pixels high; drawn twice as large to be legible.
void draw_text(Image& image, int64_t x, int64_t y, const std::string& text, const Colour& colour) {
  constexpr int64_t scale = 2;
  std::vector<char> buffer(text.size() * 1024 + 64);  // up to 16 segments of 64 bytes per glyph
  std::string copy = text;
  const int quads = stb_easy_font_print(0, 0, copy.data(), nullptr, buffer.data(), static_cast<int>(buffer.size()));
  for (int q = 0; q < quads; ++q) {
    const auto* v = reinterpret_cast<const float*>(buffer.data() + q * 64);
    fill_rect(image, x + scale * std::lround(v[0]), y + scale * std::lround(v[1]), x + scale * std::lround(v[8]),
              y + scale * std::lround(v[9]), colour);
  }
}

Image blank(int64_t width, int64_t height, uint8_t grey) {
  return Image{width, height, std::vector<uint8_t>(static_cast<size_t>(3 * width * height), grey)};
}

// The distinct labels, sorted (numerically when they are all numbers: digits).
std::vector<std::string> legend_of(const std::vector<std::string>& labels) {
  std::vector<std::string> legend(labels.begin(), labels.end());
  std::sort(legend.begin(), legend.end());
  legend.erase(std::unique(legend.begin(), legend.end()), legend.end());
  const bool numeric = std::all_of(legend.begin(), legend.end(), [](const std::string& label) {
    char* end = nullptr;
    std::strtod(label.c_str(), &end);
    return !label.empty() && *end == '\0';
  });
  if (numeric) {
    std::sort(legend.begin(), legend.end(),
              [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); });
  }
  return legend;
}

}  // namespace

Image image_grid(const at::Tensor& images, int64_t columns, int64_t gap) {
  if (!images.defined() || images.dim() < 2 || images.dim() > 4 || images.size(0) < 1) {
    throw InvalidArgument("image grid: expected rows of images (rows x C x H x W, rows x H x W or rows x H*W)");
  }
  if (columns < 1 || gap < 0) throw InvalidArgument("image grid: columns must be >= 1 and gap >= 0");
  auto pictures = images.to(torch::kFloat).clamp(0, 1);
  if (pictures.dim() == 2) {
    const auto side = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(pictures.size(1)))));
    if (side * side != pictures.size(1)) {
      throw InvalidArgument(
          "image grid: rows of " + std::to_string(pictures.size(1)) +
          " values are not square images; give the data its image shape (IDX or an N x C x H x W .npy)");
    }
    pictures = pictures.view({pictures.size(0), 1, side, side});
  } else if (pictures.dim() == 3) {
    pictures = pictures.unsqueeze(1);
  }
  const int64_t channels = pictures.size(1), h = pictures.size(2), w = pictures.size(3);
  if (channels != 1 && channels != 3) {
    throw InvalidArgument("image grid: images have " + std::to_string(channels) +
                          " channels; expected 1 (grey) or 3 (RGB)");
  }
  // Channels last, 8 bits: the order of PNG pixels.
  const auto pixels =
      (pictures.expand({-1, 3, h, w}) * 255).round().to(torch::kUInt8).permute({0, 2, 3, 1}).contiguous();
  const int64_t n = pictures.size(0), cols = std::min(columns, n), rows = (n + cols - 1) / cols;
  Image grid = blank(cols * w + (cols + 1) * gap, rows * h + (rows + 1) * gap, 255);
  const uint8_t* source = pixels.data_ptr<uint8_t>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t left = gap + (i % cols) * (w + gap), top = gap + (i / cols) * (h + gap);
    for (int64_t y = 0; y < h; ++y) {
      std::copy_n(source + 3 * ((i * h + y) * w), 3 * w, &grid.rgb[3 * ((top + y) * grid.width + left)]);
    }
  }
  return grid;
}

Image scatter_plot(const at::Tensor& points, const std::vector<std::string>& labels, int64_t side) {
  if (!points.defined() || points.dim() != 2 || points.size(1) < 2 || points.size(0) < 1) {
    throw InvalidArgument("scatter plot: expected rows x 2 (or more) coordinates, e.g. a 2-D encoding");
  }
  if (!labels.empty() && static_cast<int64_t>(labels.size()) != points.size(0)) {
    throw InvalidArgument("scatter plot: " + std::to_string(labels.size()) + " labels for " +
                          std::to_string(points.size(0)) + " points");
  }
  const auto xy = points.narrow(1, 0, 2).to(torch::kDouble).contiguous();
  const auto low = std::get<0>(xy.min(0)), high = std::get<0>(xy.max(0));
  const double x_min = low[0].item<double>(), y_min = low[1].item<double>();
  const double x_span = std::max(high[0].item<double>() - x_min, 1e-12);
  const double y_span = std::max(high[1].item<double>() - y_min, 1e-12);

  // Colours follow the sorted labels.
  const std::vector<std::string> legend = legend_of(labels);
  std::map<std::string, size_t> colour_of;
  for (size_t i = 0; i < legend.size(); ++i) colour_of[legend[i]] = i;
  const int64_t margin = 36, legend_width = legend.empty() ? 0 : 150;
  Image plot = blank(side + legend_width, side, 255);
  const Colour frame{170, 170, 170};
  fill_rect(plot, margin, margin, side - margin, margin + 1, frame);
  fill_rect(plot, margin, side - margin - 1, side - margin, side - margin, frame);
  fill_rect(plot, margin, margin, margin + 1, side - margin, frame);
  fill_rect(plot, side - margin - 1, margin, side - margin, side - margin, frame);
  const double inner = static_cast<double>(side - 2 * margin - 8);
  const double* values = xy.data_ptr<double>();
  for (int64_t i = 0; i < xy.size(0); ++i) {
    const auto x = margin + 4 + std::lround((values[2 * i] - x_min) / x_span * inner);
    const auto y = side - margin - 4 - std::lround((values[2 * i + 1] - y_min) / y_span * inner);  // up is up
    const Colour& colour = labels.empty() ? kPalette[0] : kPalette[colour_of[labels[i]] % kPalette.size()];
    fill_rect(plot, x - 1, y - 1, x + 2, y + 2, colour);
  }
  // The range of each axis, outside the frame.
  const Colour ink{60, 60, 60};
  auto short_number = [](double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", v);
    return std::string(text);
  };
  draw_text(plot, margin, side - margin + 8,
            "x: " + short_number(x_min) + " .. " + short_number(high[0].item<double>()), ink);
  draw_text(plot, margin, margin - 22, "y: " + short_number(y_min) + " .. " + short_number(high[1].item<double>()),
            ink);
  for (size_t i = 0; i < legend.size() && i < 25; ++i) {
    const int64_t top = margin + static_cast<int64_t>(i) * 20;
    fill_rect(plot, side + 4, top, side + 16, top + 12, kPalette[i % kPalette.size()]);
    draw_text(plot, side + 22, top, legend[i].substr(0, 10), ink);
  }
  return plot;
}

std::string encode_png(const Image& image) {
  if (image.width < 1 || image.height < 1 || image.rgb.size() != static_cast<size_t>(3 * image.width * image.height)) {
    throw InvalidArgument("encode_png: the image has no pixels or the wrong number of them");
  }
  std::string bytes;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
  };
  if (!stbi_write_png_to_func(append, &bytes, static_cast<int>(image.width), static_cast<int>(image.height), 3,
                              image.rgb.data(), static_cast<int>(3 * image.width))) {
    throw Error("could not encode the PNG image");
  }
  return bytes;
}

void write_png(const std::string& path, const Image& image) { write_file_atomically(path, encode_png(image)); }

}  // namespace hourglass
