#include "model/safetensors.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "hourglass/error.hpp"
#include "io/json_text.hpp"

namespace hourglass::safetensors {
namespace {

using nlohmann::json;

// The largest header accepted; the safetensors reference implementation uses 100 MB.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
// The checksum's place in the metadata: its 8 hex digits are zeros while the file's
// CRC-32 is computed, then the CRC-32 itself.
constexpr std::string_view kChecksumMarker = "\"hourglass_crc32\":\"";
constexpr size_t kChecksumDigits = 8;

// zlib's CRC-32 of `bytes`, continuing from `crc` (0 to start).
uint32_t crc32_of(std::string_view bytes, uint32_t crc = 0) {
  uLong running = crc;
  // zlib takes lengths as uInt: feed it in pieces of at most 1 GB.
  for (size_t done = 0; done < bytes.size();) {
    const size_t piece = std::min<size_t>(bytes.size() - done, size_t{1} << 30);
    running = crc32(running, reinterpret_cast<const Bytef*>(bytes.data() + done), static_cast<uInt>(piece));
    done += piece;
  }
  return static_cast<uint32_t>(running);
}

std::string hex8(uint32_t value) {
  char digits[kChecksumDigits + 1];
  std::snprintf(digits, sizeof digits, "%08x", value);
  return digits;
}

const std::vector<std::pair<std::string, torch::Dtype>>& dtypes() {
  static const std::vector<std::pair<std::string, torch::Dtype>> table = {
      {"F32", torch::kFloat}, {"F64", torch::kDouble}, {"I64", torch::kLong}, {"U8", torch::kByte}};
  return table;
}

std::string dtype_name(torch::Dtype dtype) {
  for (const auto& [name, type] : dtypes()) {
    if (type == dtype) return name;
  }
  throw Error(std::string("safetensors: cannot store dtype ") + c10::toString(dtype));
}

bool is_little_endian() {
  const uint16_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

}  // namespace

std::string encode(const NamedTensors& tensors, const std::map<std::string, std::string>& metadata, bool checksum) {
  if (!is_little_endian()) throw Error("safetensors: big-endian hosts are not supported");
  json header = json::object();
  header["__metadata__"] = metadata;
  if (checksum) header["__metadata__"]["hourglass_crc32"] = std::string(kChecksumDigits, '0');
  uint64_t offset = 0;
  std::vector<torch::Tensor> contiguous;
  for (const auto& [name, tensor] : tensors) {
    auto t = tensor.detach().to(torch::kCPU).contiguous();
    const uint64_t size = t.numel() * t.element_size();
    header[name] = {
        {"dtype", dtype_name(t.scalar_type())}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + size}}};
    offset += size;
    contiguous.push_back(t);
  }
  std::string text = header.dump();
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  const uint64_t length = text.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(length >> (8 * i) & 0xFF);
  out += text;
  for (const auto& t : contiguous) {
    out.append(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
  }
  if (checksum) {
    const size_t at = out.find(kChecksumMarker, 8) + kChecksumMarker.size();
    out.replace(at, kChecksumDigits, hex8(crc32_of(out)));
  }
  return out;
}

bool verify_checksum(std::string_view bytes, size_t header_end) {
  const std::string_view header = bytes.substr(0, header_end);
  const size_t marker = header.find(kChecksumMarker);
  if (marker == std::string_view::npos || header.find(kChecksumMarker, marker + 1) != std::string_view::npos) {
    return false;
  }
  const size_t at = marker + kChecksumMarker.size();
  if (at + kChecksumDigits > header_end) return false;
  // The file as it was when the checksum was computed, in three pieces: no copy.
  uint32_t crc = crc32_of(bytes.substr(0, at));
  crc = crc32_of(std::string(kChecksumDigits, '0'), crc);
  crc = crc32_of(bytes.substr(at + kChecksumDigits), crc);
  return bytes.substr(at, kChecksumDigits) == hex8(crc);
}

namespace {

// The error for a file at source that is no model file, saying what is wrong.
ModelFileError invalid_file(const std::string& source, const std::string& what) {
  return ModelFileError("'" + source + "' is not a valid Hourglass model file: " + what);
}

// The bytes of the data region a tensor takes.
struct Range {
  uint64_t begin, end;
  std::string name;
};

// The header's __metadata__ entry into metadata: strings only, and without the checksum of
// a checksummed file.
void read_metadata(const json& entry, bool checksummed, std::map<std::string, std::string>& metadata,
                   const std::string& source) {
  if (!entry.is_object()) throw invalid_file(source, "__metadata__ is not an object");
  for (const auto& [key, value] : entry.items()) {
    if (!value.is_string()) throw invalid_file(source, "metadata '" + abbreviate(key, 40) + "' is not a string");
    // The checksum belongs to the file (Contents::checksummed), not to its metadata.
    if (checksummed && key == "hourglass_crc32") continue;
    metadata[key] = value.get<std::string>();
  }
}

// The tensor a header entry describes, its dtype, shape and data_offsets checked against
// the data region before its bytes are copied; the range it takes goes to ranges.
at::Tensor read_tensor(const std::string& name, const json& entry, std::string_view data, std::vector<Range>& ranges,
                       const std::string& source) {
  if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets") ||
      !entry["dtype"].is_string() || !entry["shape"].is_array() || !entry["data_offsets"].is_array() ||
      entry["data_offsets"].size() != 2) {
    throw invalid_file(source, "tensor '" + name + "' lacks a valid dtype, shape or data_offsets");
  }
  std::optional<torch::Dtype> dtype;
  for (const auto& [key, type] : dtypes()) {
    if (key == entry["dtype"].get<std::string>()) dtype = type;
  }
  if (!dtype) throw invalid_file(source, "tensor '" + abbreviate(name) + "' has an unsupported dtype");
  std::vector<int64_t> shape;
  uint64_t count = 1;
  for (const auto& d : entry["shape"]) {
    if (!d.is_number_unsigned() || d.get<uint64_t>() > data.size()) {
      throw invalid_file(
          source, "tensor '" + abbreviate(name) + "' has an invalid shape (not a list of sizes within the file)");
    }
    const uint64_t dim = d.get<uint64_t>();
    if (dim != 0 && count > data.size() / dim) {
      throw invalid_file(source, "tensor '" + name + "' claims more bytes than the file holds");
    }
    count *= dim;
    shape.push_back(static_cast<int64_t>(dim));
  }
  const auto& offsets = entry["data_offsets"];
  if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) {
    throw invalid_file(source, "tensor '" + name + "' has invalid data_offsets");
  }
  const uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
  const uint64_t size = count * c10::elementSize(*dtype);
  if (begin > end || end > data.size() || end - begin != size) {
    throw invalid_file(source, "tensor '" + name + "' has data_offsets [" + std::to_string(begin) + ", " +
                                   std::to_string(end) + "] that do not match its shape or the file size (" +
                                   std::to_string(data.size()) + " data bytes)");
  }
  ranges.push_back({begin, end, name});
  auto tensor = torch::empty(shape, *dtype);
  if (size > 0) std::memcpy(tensor.data_ptr(), data.data() + begin, size);
  return tensor;
}

// Refuses tensors that do not tile the data region of data_size bytes exactly: no
// overlap, no hole, nothing extra.
void check_tiling(std::vector<Range>& ranges, uint64_t data_size, const std::string& source) {
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
  uint64_t expected = 0;
  for (const auto& r : ranges) {
    if (r.begin != expected) throw invalid_file(source, "tensor '" + r.name + "' overlaps another or leaves a gap");
    expected = r.end;
  }
  if (expected != data_size) {
    throw invalid_file(source, std::to_string(data_size - expected) + " bytes after the last tensor");
  }
}

}  // namespace

Contents decode(std::string_view bytes, const std::string& source) {
  if (!is_little_endian()) throw Error("safetensors: big-endian hosts are not supported");
  if (bytes.size() < 8) throw invalid_file(source, "shorter than the 8-byte header length (truncated?)");
  // A model file starts with its header's length, whose high bytes are 0; text there is
  // a data file given where the model goes (the arguments swapped).
  const bool text = std::all_of(bytes.begin(), bytes.begin() + 8,
                                [](char c) { return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r'; });
  if (text) {
    throw invalid_file(source,
                       "it starts with text, as a CSV or other data file does; commands take the model first, "
                       "then the data (hourglass encode MODEL DATA)");
  }
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = header_len << 8 | static_cast<unsigned char>(bytes[i]);
  if (header_len > kMaxHeaderBytes || header_len > bytes.size() - 8) {
    throw invalid_file(source, "the header claims " + std::to_string(header_len) + " bytes but the file has " +
                                   std::to_string(bytes.size() - 8) + " after the length (truncated?)");
  }
  const std::string_view header_text = bytes.substr(8, header_len);
  // A checksummed file is verified before anything in it is parsed.
  const bool checksummed = header_text.find(kChecksumMarker) != std::string_view::npos;
  if (checksummed && !verify_checksum(bytes, 8 + header_len)) {
    throw ModelFileError(
        "'" + source +
        "' is corrupted: its CRC-32 checksum does not match its contents (the file was truncated, damaged or "
        "changed after Hourglass wrote it)");
  }
  if (json_depth(header_text) > kMaxJsonDepth) {
    throw invalid_file(source,
                       "its header nests more than " + std::to_string(kMaxJsonDepth) + " levels deep (corrupted?)");
  }
  json header = json::parse(header_text, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) throw invalid_file(source, "the header is not a JSON object (corrupted?)");
  const std::string_view data = bytes.substr(8 + header_len);

  Contents contents;
  contents.checksummed = checksummed;
  std::vector<Range> ranges;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      read_metadata(entry, checksummed, contents.metadata, source);
      continue;
    }
    contents.tensors.emplace_back(name, read_tensor(name, entry, data, ranges, source));
  }
  // The tensors must tile the data region exactly: no overlap, no hole, nothing extra.
  check_tiling(ranges, data.size(), source);
  std::sort(contents.tensors.begin(), contents.tensors.end(),
            [&](const auto& a, const auto& b) { return a.first < b.first; });
  return contents;
}

}  // namespace hourglass::safetensors
