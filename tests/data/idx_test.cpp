#include <gtest/gtest.h>
#include <torch/torch.h>
#include <zlib.h>

#include <fstream>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::temp_path;

// An IDX file: magic, big-endian sizes, then the given value bytes.
std::string idx_bytes(uint8_t type, const std::vector<uint32_t>& shape, const std::string& values) {
  std::string bytes = {0, 0, static_cast<char>(type), static_cast<char>(shape.size())};
  for (uint32_t size : shape) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((size >> shift) & 0xff);
  }
  return bytes + values;
}

// Two 2x3 images of 8-bit pixels.
std::string two_images() {
  std::string pixels;
  for (int i = 0; i < 12; ++i) pixels += static_cast<char>(i * 20);
  return idx_bytes(0x08, {2, 2, 3}, pixels);
}

std::string write_gzip(const std::string& name, const std::string& bytes) {
  const std::string path = temp_path(name);
  gzFile file = gzopen(path.c_str(), "wb");
  gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
  return path;
}

std::string write_plain(const std::string& name, const std::string& bytes) {
  const std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(Idx, ImagesBecomeFlatRowsInZeroOneWithTheirShape) {
  const Dataset data = parse_idx(two_images(), "images");
  ASSERT_EQ(data.features.sizes(), (std::vector<int64_t>{2, 6}));
  EXPECT_EQ(data.sample_shape, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_FLOAT_EQ(data.features[1][5].item<float>(), 220.0f / 255.0f);
  EXPECT_FLOAT_EQ(data.features[0][1].item<float>(), 20.0f / 255.0f);
  EXPECT_EQ(data.columns.front(), "pixel_1");
}

TEST(Idx, WiderTypesAreBigEndianAndNotScaled) {
  const std::string values = {0x01, 0x02, static_cast<char>(0xff), static_cast<char>(0xfe)};  // 258, -2
  const Dataset data = parse_idx(idx_bytes(0x0B, {2}, values), "shorts");
  ASSERT_EQ(data.features.sizes(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(data.features[0][0].item<float>(), 258.0f);
  EXPECT_EQ(data.features[1][0].item<float>(), -2.0f);
}

TEST(Idx, ReadsGzipAndLabelFilesByName) {
  const std::string images = write_gzip("images-idx3-ubyte.gz", two_images());
  const std::string labels = write_plain("labels-idx1-ubyte", idx_bytes(0x08, {2}, std::string{7, 3}));
  const Dataset data = read_data(images, ReadOptions().label(labels));
  EXPECT_EQ(data.rows(), 2);
  EXPECT_EQ(data.label_name, "label");
  EXPECT_EQ(data.labels, (std::vector<std::string>{"7", "3"}));
  EXPECT_TRUE(torch::equal(data.features, parse_idx(two_images(), "plain").features));
}

TEST(Idx, EveryTruncationIsRefusedWithAClearMessage) {
  const std::string bytes = two_images();
  for (size_t length = 0; length < bytes.size(); ++length) {
    EXPECT_THROW(parse_idx(bytes.substr(0, length), "cut"), DataError) << length;
  }
  const std::string gz = [&] {
    const std::string path = write_gzip("cut.gz", bytes);
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }();
  EXPECT_NE(testing::error_of<DataError>([&] { parse_idx(gz.substr(0, gz.size() - 4), "cut.gz"); })
                .find("gzip stream is truncated"),
            std::string::npos);
  EXPECT_NE(testing::error_of<DataError>([&] { parse_idx(bytes.substr(0, bytes.size() - 1), "cut"); })
                .find("need 12 bytes of values but the file holds 11"),
            std::string::npos);
}

TEST(Idx, HostileHeadersAreRefused) {
  EXPECT_THROW(parse_idx(idx_bytes(0x07, {1}, "x"), "type"), DataError);
  EXPECT_THROW(parse_idx(idx_bytes(0x08, {}, ""), "rank"), DataError);
  // Sizes whose product overflows 64 bits must not wrap around to the file size.
  EXPECT_THROW(parse_idx(idx_bytes(0x08, {0xffffffff, 0xffffffff, 0xffffffff}, "abc"), "huge"), DataError);
  EXPECT_THROW(parse_idx(std::string("\x01\x00\x08\x01", 4), "magic"), DataError);
  // Found by fuzz_idx: a zero size made an empty tensor whose null data was copied to.
  EXPECT_NE(testing::error_of<DataError>([] { parse_idx(idx_bytes(0x08, {0, 3}, ""), "empty"); }).find("a size in the header is 0"),
            std::string::npos);
}

TEST(Idx, LabelsMustMatchTheImages) {
  const std::string images = write_plain("few-idx3-ubyte", two_images());
  const std::string labels = write_plain("many-idx1-ubyte", idx_bytes(0x08, {3}, std::string{1, 2, 3}));
  EXPECT_NE(testing::error_of<DataError>([&] { read_data(images, ReadOptions().label(labels)); })
                .find("give the label file of these images"),
            std::string::npos);
}

}  // namespace
}  // namespace hourglass
