// Pictures a user can look at: image grids and 2-D scatter plots, written as PNG.
//
//   write_png("generated.png", image_grid(vae.generate({1, 2}, 0.05, 0.95, 10), 10));
//   write_png("codes.png", scatter_plot(model.encode(test.features), test.labels));
//
// PNG files are written atomically, like every other output.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace hourglass {

/// 8-bit RGB pixels, row by row.
struct Image {
  int64_t width = 0, height = 0;
  std::vector<uint8_t> rgb;
};

/// Tiles `images` in rows of `columns`, with a `gap` of pixels between them.
/// `images` is rows x C x H x W (C = 1 for grey, 3 for colour), rows x H x W, or flat
/// rows whose width is a square number (784 -> 28 x 28). Values are intensities in
/// [0, 1]; values outside are clipped. Throws InvalidArgument for other shapes.
Image image_grid(const at::Tensor& images, int64_t columns, int64_t gap = 2);

/// The first two columns of `points` as a scatter plot, one colour per distinct label
/// (sorted, numerically for numbers) with a legend; one colour without labels. The
/// range of each axis is written outside the frame.
Image scatter_plot(const at::Tensor& points, const std::vector<std::string>& labels = {}, int64_t side = 560);

/// The PNG bytes of an image.
std::string encode_png(const Image& image);
/// Writes the PNG atomically; throws hourglass::Error naming the path on failure.
void write_png(const std::string& path, const Image& image);

}  // namespace hourglass
