#include "model/safetensors.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
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
      {{{"a", tensor("F32", {2}, 0, 12)}}, 12},                                 // size disagrees with shape
      {{{"a", tensor("F32", {2}, 0, 8)}}, 4},                                   // past the end
      {{{"a", tensor("F32", {2}, 0, 8)}, {"b", tensor("F32", {1}, 4, 8)}}, 8},  // overlap
      {{{"a", tensor("F32", {1}, 4, 8)}}, 8},                                   // gap at the start
      {{{"a", tensor("F32", {1}, 0, 4)}}, 8},                                   // trailing bytes
      {{{"a", tensor("BF16", {2}, 0, 4)}}, 4},                                  // unsupported dtype
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

TEST(Safetensors, TheChecksumCatchesAnyFlippedByte) {
  const std::string bytes = encode({{"w", torch::randn({3, 5})}, {"b", torch::arange(4, torch::kLong)}}, {{"k", "v"}});
  ASSERT_TRUE(decode(bytes, "good").checksummed);
  // The checksum is zlib's CRC-32 of the file with its own 8 digits as zeros.
  const std::string marker = "\"hourglass_crc32\":\"";
  const size_t at = bytes.find(marker) + marker.size();
  std::string zeroed = bytes;
  zeroed.replace(at, 8, "00000000");
  char expected[9];
  std::snprintf(expected, sizeof expected, "%08lx",
                crc32(0L, reinterpret_cast<const Bytef*>(zeroed.data()), static_cast<uInt>(zeroed.size())));
  EXPECT_EQ(bytes.substr(at, 8), expected);
  // Every byte after the length, in the header and in the data, one bit flipped each:
  // refused, or (a flip in the checksum's own key) read as a file without a checksum,
  // which the model loader refuses (ModelFile.AnyFlippedByteIsRefused).
  for (size_t i = 8; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
    try {
      EXPECT_FALSE(decode(flipped, "flipped").checksummed) << "byte " << i;
      EXPECT_TRUE(i >= at - marker.size() && i < at) << "byte " << i << " outside the checksum's key";
    } catch (const ModelFileError&) {
    }
  }
  try {
    std::string flipped = bytes;
    flipped[bytes.size() - 1] ^= 1;
    decode(flipped, "m.hgm");
    FAIL();
  } catch (const ModelFileError& e) {
    EXPECT_NE(std::string(e.what()).find("'m.hgm' is corrupted: its CRC-32 checksum does not match"), std::string::npos)
        << e.what();
  }
}

TEST(Safetensors, AFileWithoutChecksumStillReadsAndSaysSo) {
  const auto contents = decode(encode({{"w", torch::ones({2})}}, {}, /*checksum=*/false), "plain");
  EXPECT_FALSE(contents.checksummed);
  EXPECT_TRUE(torch::equal(contents.tensors.at(0).second, torch::ones({2})));
}

TEST(Safetensors, DeepNestingIsRefusedBeforeParsing) {
  // 65,000 levels overflowed the stack of a recursive parser and of the message built
  // from it; the depth is counted on the text first.
  const std::string deep = std::string(65000, '[') + std::string(65000, ']');
  const std::string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":" + deep + ",\"data_offsets\":[0,0]}}";
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i) file[i] = static_cast<char>(header.size() >> (8 * i) & 0xFF);
  try {
    decode(file + header, "deep");
    FAIL();
  } catch (const ModelFileError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("nests more than 32 levels"), std::string::npos) << message.substr(0, 200);
    EXPECT_LT(message.size(), 200u);
  }
}

}  // namespace
}  // namespace hourglass::safetensors
