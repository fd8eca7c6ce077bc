// IDX reader (the MNIST format): a 4-byte magic (0, 0, dtype, rank), rank big-endian
// 32-bit sizes, then the values, big-endian. Plain or gzip-compressed. Sizes are
// checked against the bytes before any value is read.
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/runtime.hpp"

namespace hourglass {
namespace {

struct IdxType {
  uint8_t code;
  torch::Dtype dtype;
  int64_t bytes;
};

constexpr IdxType kTypes[] = {{0x08, torch::kUInt8, 1}, {0x09, torch::kInt8, 1},  {0x0B, torch::kInt16, 2},
                              {0x0C, torch::kInt32, 4}, {0x0D, torch::kFloat, 4}, {0x0E, torch::kDouble, 8}};

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0x1f && static_cast<uint8_t>(bytes[1]) == 0x8b;
}

uint32_t big_endian_u32(std::string_view bytes, size_t offset) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data()) + offset;
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// The whole file's size as its header announces it, once `bytes` hold the header; 0
// while they do not yet, or when the header is not IDX (parse_values says why).
uint64_t announced_size(std::string_view bytes) {
  if (bytes.size() < 4) return 0;
  const size_t rank = static_cast<uint8_t>(bytes[3]);
  const size_t header = 4 + 4 * rank;
  if (bytes.size() < header) return 0;
  constexpr uint64_t kBeyondAnyMemory = uint64_t{1} << 50;
  uint64_t value_bytes = 8;  // the widest type: a bound that holds for every one
  for (size_t i = 0; i < rank; ++i) {
    const uint64_t size = big_endian_u32(bytes, 4 + 4 * i);
    if (size == 0) return 0;
    if (value_bytes > kBeyondAnyMemory / size) return kBeyondAnyMemory;  // checked before it could overflow
    value_bytes *= size;
  }
  return header + value_bytes;
}

// Inflates no further than the header announces and memory allows, so that a small
// file that expands without bound (a gzip bomb) is refused early.
std::string gunzip(std::string_view bytes, const std::string& source) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw DataError("'" + source + "': cannot start gzip");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  const uint64_t memory = available_memory_bytes() / 2;
  std::string out;
  char buffer[1 << 16];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    const uint64_t announced = announced_size(out);
    const uint64_t limit = announced > 0 ? std::min(announced, memory) : memory;
    if (out.size() > limit) {
      inflateEnd(&stream);
      if (limit == memory) {
        throw DataError("'" + source + "': decompresses to more than the " + format_bytes(memory) +
                        " of memory this process may use (half of what is free); free memory or use a smaller file");
      }
      throw DataError("'" + source + "': decompresses to more than the " + format_bytes(announced) +
                      " its header announces; the file is corrupt or not IDX");
    }
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) {
    throw DataError("'" + source + "': the gzip stream is truncated or corrupt; download the file again");
  }
  return out;
}

// The values as a tensor of `shape`, converted from big-endian.
at::Tensor parse_values(std::string_view bytes, const std::string& source) {
  auto fail = [&](const std::string& what) {
    return DataError("'" + source + "': not a valid IDX file (" + what + ")");
  };
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0) throw fail("the magic number must start with two zero bytes");
  const IdxType* type = nullptr;
  for (const auto& t : kTypes) {
    if (t.code == static_cast<uint8_t>(bytes[2])) type = &t;
  }
  if (!type) throw fail("unknown value type " + std::to_string(static_cast<uint8_t>(bytes[2])));
  const size_t rank = static_cast<uint8_t>(bytes[3]);
  if (rank < 1) throw fail("rank 0");
  const size_t header = 4 + 4 * rank;
  if (bytes.size() < header) throw fail("the header is truncated");
  std::vector<int64_t> shape;
  uint64_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    const uint32_t size = big_endian_u32(bytes, 4 + 4 * i);
    shape.push_back(size);
    count *= size;
    // Stops an overflowing product before it is compared with the file size.
    if (count > bytes.size()) break;
  }
  if (count == 0) throw fail("a size in the header is 0: the file holds no values");
  const uint64_t payload = bytes.size() - header;
  // Division, not multiplication: a hostile count must not wrap around to the file size.
  if (payload % type->bytes != 0 || count != payload / type->bytes) {
    throw fail("the header's sizes " + c10::str(c10::IntArrayRef(shape)) + " need " +
               format_number(static_cast<double>(count) * type->bytes) + " bytes of values but the file holds " +
               std::to_string(payload) + "; the file is truncated or not IDX");
  }
  auto values = torch::empty(shape, type->dtype);
  std::memcpy(values.data_ptr(), bytes.data() + header, payload);
  if (type->bytes > 1) {
    // IDX is big-endian: reverse the bytes of every value.
    auto raw = values.view(torch::kUInt8).view({-1, type->bytes}).flip(1).contiguous();
    values = raw.view(type->dtype).view(shape);
  }
  return values;
}

at::Tensor idx_values(std::string_view bytes, const std::string& source) {
  if (is_gzip(bytes)) return parse_values(gunzip(bytes, source), source);
  return parse_values(bytes, source);
}

}  // namespace

Dataset parse_idx(std::string_view bytes, const std::string& source) {
  const auto values = idx_values(bytes, source);
  Dataset data;
  const int64_t rows = values.size(0);
  // 8-bit images become [0, 1] intensities, as Keras tutorials divide by 255.
  auto features = values.scalar_type() == torch::kUInt8 ? values.to(torch::kFloat) / 255.0f : values.to(torch::kFloat);
  data.features = features.reshape({rows, -1}).contiguous();
  if (values.dim() == 3) data.sample_shape = {1, values.size(1), values.size(2)};  // one channel
  if (values.dim() > 3) data.sample_shape = values.sizes().slice(1).vec();
  data.columns = numbered_columns("pixel", data.features.size(1));
  check_finite(data.features, source);
  return data;
}

Dataset read_idx(const std::string& path, const std::string& labels_path) {
  Dataset data = parse_idx(read_file(path), path);
  if (labels_path.empty()) return data;
  const auto labels = idx_values(read_file(labels_path), labels_path);
  if (labels.dim() != 1 || labels.size(0) != data.rows()) {
    throw DataError("'" + labels_path + "' holds values of shape " + c10::str(labels.sizes()) + " but '" + path +
                    "' has " + std::to_string(data.rows()) + " rows; give the label file of these images");
  }
  const auto integers = labels.to(torch::kLong).contiguous();
  const int64_t* label = integers.data_ptr<int64_t>();
  data.label_name = "label";
  for (int64_t i = 0; i < data.rows(); ++i) data.labels.push_back(std::to_string(label[i]));
  return data;
}

}  // namespace hourglass
