#include "model/safetensors.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hourglass/error.hpp"

namespace hourglass::safetensors {
namespace {

std::string with_header(const nlohmann::json& header, size_t data_bytes) {
  const std::string text = header.dump();
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i) file[i] = static_cast<char>(text.size() >> (8 * i) & 0xFF);
  return file + text + std::string(data_bytes, '\0');
}

TEST(Safetensors, RoundTripsTensorsAndMetadata) {
  const NamedTensors tensors = {{"a", torch::randn({2, 3})},
                                {"b", torch::arange(5, torch::kLong)},
                                {"c", torch::randn({4}, torch::kDouble)},
                                {"empty", torch::zeros({0, 3})}};
  const auto contents = decode(encode(tensors, {{"k", "v"}}), "mem");
  EXPECT_EQ(contents.metadata.at("k"), "v");
  ASSERT_EQ(contents.tensors.size(), 4u);
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(contents.tensors[i].first, tensors[i].first);
    EXPECT_TRUE(torch::equal(contents.tensors[i].second, tensors[i].second)) << tensors[i].first;
  }
}

TEST(Safetensors, LayoutIsTheReferenceOne) {
  const std::string bytes = encode({{"w", torch::tensor({1.0f, 2.0f})}}, {});
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = n << 8 | static_cast<unsigned char>(bytes[i]);
  ASSERT_EQ(8 + n + 8, bytes.size());
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  EXPECT_EQ(header["w"]["data_offsets"], nlohmann::json({0, 8}));
  float values[2];
  std::memcpy(values, bytes.data() + 8 + n, 8);
  EXPECT_EQ(values[0], 1.0f);
  EXPECT_EQ(values[1], 2.0f);
}

TEST(Safetensors, RefusesInconsistentHeaders) {
  auto tensor = [](const char* dtype, std::vector<uint64_t> shape, uint64_t begin, uint64_t end) {
    return nlohmann::json{{"dtype", dtype}, {"shape", shape}, {"data_offsets", {begin, end}}};
  };
  const std::vector<std::pair<nlohmann::json, size_t>> bad = {
      {{{"a", tensor("F32", {2}, 0, 12)}}, 12},                          // size disagrees with shape
      {{{"a", tensor("F32", {2}, 0, 8)}}, 4},                            // past the end
      {{{"a", tensor("F32", {2}, 0, 8)}, {"b", tensor("F32", {1}, 4, 8)}}, 8},  // overlap
      {{{"a", tensor("F32", {1}, 4, 8)}}, 8},                            // gap at the start
      {{{"a", tensor("F32", {1}, 0, 4)}}, 8},                            // trailing bytes
      {{{"a", tensor("BF16", {2}, 0, 4)}}, 4},                           // unsupported dtype
      {{{"a", {{"dtype", "F32"}, {"shape", {-1}}, {"data_offsets", {0, 4}}}}}, 4},
      {{{"a", {{"dtype", "F32"}}}}, 0},
      {{{"__metadata__", {{"k", 3}}}}, 0},
  };
  for (const auto& [header, data] : bad) {
    EXPECT_THROW(decode(with_header(header, data), "bad"), ModelFileError) << header.dump();
  }
  EXPECT_THROW(decode("\xff\xff\xff\xff\xff\xff\xff\x7f{}", "bad"), ModelFileError);
  EXPECT_THROW(decode(std::string("\x02\0\0\0\0\0\0\0[]", 10), "bad"), ModelFileError);
  EXPECT_THROW(decode(std::string("\x03\0\0\0\0\0\0\0{\"a", 11), "bad"), ModelFileError);
}

}  // namespace
}  // namespace hourglass::safetensors
