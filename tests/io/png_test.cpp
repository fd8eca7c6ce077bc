// PNG pictures: grid layout and pixel values, scatter colours, and a valid PNG stream.
#include "hourglass/io/png.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

uint8_t red_at(const Image& image, int64_t x, int64_t y) { return image.rgb[3 * (y * image.width + x)]; }

TEST(Png, AGridTilesImagesWithGapsAndScalesIntensities) {
  // Three 2x2 grey images in rows of two, gap 1: 2 * 2 + 3 wide, 2 * 2 + 3 high.
  const auto images =
      torch::stack({torch::full({1, 2, 2}, 0.0), torch::full({1, 2, 2}, 0.5), torch::full({1, 2, 2}, 2.0)});
  const Image grid = image_grid(images, 2, 1);
  EXPECT_EQ(grid.width, 7);
  EXPECT_EQ(grid.height, 7);
  EXPECT_EQ(red_at(grid, 0, 0), 255);  // gap
  EXPECT_EQ(red_at(grid, 1, 1), 0);    // first image
  EXPECT_EQ(red_at(grid, 4, 2), 128);  // second, 0.5 -> 128
  EXPECT_EQ(red_at(grid, 1, 4), 255);  // third, clipped to 1
  EXPECT_EQ(red_at(grid, 4, 4), 255);  // no fourth image: background
}

TEST(Png, FlatSquareRowsAreImagesAndOtherShapesAreRefused) {
  EXPECT_EQ(image_grid(torch::rand({4, 16}), 4, 0).width, 16);
  EXPECT_EQ(image_grid(torch::rand({2, 3, 5, 5}), 2, 0).height, 5);  // RGB
  EXPECT_THROW(image_grid(torch::rand({4, 15}), 4), InvalidArgument);
  EXPECT_THROW(image_grid(torch::rand({4, 2, 5, 5}), 4), InvalidArgument);
}

TEST(Png, AScatterPlotColoursEachLabel) {
  const auto points = torch::tensor({{0.0f, 0.0f}, {1.0f, 1.0f}});
  const Image plot = scatter_plot(points, {"a", "b"}, 200);
  EXPECT_EQ(plot.height, 200);
  EXPECT_GT(plot.width, 200);  // room for the legend
  // The first point sits at the bottom left, the second at the top right, in two colours.
  const int64_t low = 36 + 4, high = 200 - 36 - 4;
  const uint8_t* a = &plot.rgb[3 * (high * plot.width + low)];
  const uint8_t* b = &plot.rgb[3 * (low * plot.width + high)];
  EXPECT_NE(std::vector<uint8_t>(a, a + 3), std::vector<uint8_t>(b, b + 3));
  EXPECT_NE(std::vector<uint8_t>(a, a + 3), (std::vector<uint8_t>{255, 255, 255}));
  EXPECT_THROW(scatter_plot(torch::rand({3, 1})), InvalidArgument);
  EXPECT_THROW(scatter_plot(torch::rand({3, 2}), {"a"}), InvalidArgument);
}

TEST(Png, WritesAPngThatDecodesToTheSamePixels) {
  const Image grid = image_grid(torch::rand({3, 1, 4, 5}), 2);
  const std::string path = testing::temp_path("grid.png");
  write_png(path, grid);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  int width = 0, height = 0, channels = 0;
  unsigned char* pixels = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(bytes.data()),
                                                static_cast<int>(bytes.size()), &width, &height, &channels, 3);
  ASSERT_NE(pixels, nullptr);
  EXPECT_EQ(width, grid.width);
  EXPECT_EQ(height, grid.height);
  EXPECT_EQ(std::vector<uint8_t>(pixels, pixels + grid.rgb.size()), grid.rgb);  // lossless
  stbi_image_free(pixels);
}

}  // namespace
}  // namespace hourglass
