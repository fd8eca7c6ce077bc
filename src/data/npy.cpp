// NumPy .npy reader (format versions 1-3). Every size in the header is checked against
// the file before any data is touched.
#include <cstring>
#include <optional>
#include <regex>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"

namespace hourglass {
namespace {

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

std::optional<torch::Dtype> dtype_of(const std::string& code) {
  static const std::vector<std::pair<std::string, torch::Dtype>> table = {
      {"f4", torch::kFloat}, {"f8", torch::kDouble}, {"f2", torch::kHalf},
      {"u1", torch::kUInt8}, {"i1", torch::kInt8},   {"i2", torch::kInt16},
      {"i4", torch::kInt32}, {"i8", torch::kInt64},  {"b1", torch::kBool}};
  for (const auto& [name, type] : table) {
    if (name == code) return type;
  }
  return std::nullopt;
}

NpyHeader parse_header(const std::string& dict, const std::string& source) {
  auto fail = [&](const std::string& what) -> NpyHeader {
    throw DataError("'" + source + "': not a valid .npy header (" + what + ")");
  };
  NpyHeader header;
  std::smatch m;
  if (!std::regex_search(dict, m, std::regex(R"('descr'\s*:\s*'([^']*)')"))) {
    return fail("no 'descr'");
  }
  header.descr = m[1];
  if (!std::regex_search(dict, m, std::regex(R"('fortran_order'\s*:\s*(True|False))"))) {
    return fail("no 'fortran_order'");
  }
  header.fortran_order = m[1] == "True";
  if (!std::regex_search(dict, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))"))) {
    return fail("no 'shape'");
  }
  const std::string dims = m[1];
  std::regex number(R"(\s*(\d+)\s*(,|$))");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number);
       it != std::sregex_iterator(); ++it) {
    const std::string digits = (*it)[1];
    if (digits.size() > 12) return fail("a dimension is too large");
    header.shape.push_back(std::stoll(digits));
  }
  return header;
}

}  // namespace

Dataset parse_npy(std::string_view bytes, const std::string& source, bool channels_last) {
  static const char magic[] = "\x93NUMPY";
  if (bytes.size() < 10 || bytes.substr(0, 6) != std::string_view(magic, 6)) {
    throw DataError("'" + source + "': not a .npy file (bad magic bytes); save it with numpy.save");
  }
  const auto major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw DataError("'" + source + "': truncated .npy header");
    for (int i = 3; i >= 0; --i) header_len = header_len << 8 | static_cast<unsigned char>(bytes[8 + i]);
    offset = 12;
  } else {
    throw DataError("'" + source + "': .npy format version " + std::to_string(major) +
                    " is not supported (expected 1, 2 or 3)");
  }
  if (header_len > bytes.size() - offset) {
    throw DataError("'" + source + "': truncated .npy header (" + std::to_string(header_len) +
                    " bytes announced, " + std::to_string(bytes.size() - offset) + " present)");
  }
  const NpyHeader header = parse_header(std::string(bytes.substr(offset, header_len)), source);
  offset += header_len;

  const char order = header.descr.empty() ? '?' : header.descr[0];
  const auto dtype = dtype_of(header.descr.empty() ? "" : header.descr.substr(1));
  if (!dtype) {
    throw DataError("'" + source + "': dtype '" + header.descr +
                    "' is not supported (expected a numeric dtype such as '<f4'; convert with "
                    "array.astype('float32'))");
  }
  const size_t item = c10::elementSize(*dtype);
  if (order == '>' && item > 1) {
    throw DataError("'" + source + "': big-endian data ('" + header.descr +
                    "') is not supported; convert with array.astype('<f4')");
  }
  if (header.shape.empty()) {
    throw DataError("'" + source + "': a .npy scalar holds no rows; expected an array of rows");
  }
  size_t count = 1;
  for (int64_t d : header.shape) {
    if (d != 0 && count > std::numeric_limits<size_t>::max() / item / static_cast<size_t>(d)) {
      throw DataError("'" + source + "': the shape in the header is impossibly large");
    }
    count *= static_cast<size_t>(d);
  }
  const size_t expected = count * item;
  if (bytes.size() - offset != expected) {
    throw DataError("'" + source + "': the header announces " + std::to_string(expected) +
                    " bytes of data but the file holds " + std::to_string(bytes.size() - offset) +
                    " (truncated or corrupted file)");
  }
  if (count == 0) throw DataError("'" + source + "': the array is empty; expected rows of numbers");

  std::vector<int64_t> shape = header.shape;
  if (header.fortran_order) std::reverse(shape.begin(), shape.end());
  auto values = torch::empty(shape, *dtype);
  std::memcpy(values.data_ptr(), bytes.data() + offset, expected);
  if (header.fortran_order) {
    std::vector<int64_t> reversed(shape.size());
    for (size_t i = 0; i < shape.size(); ++i) reversed[i] = static_cast<int64_t>(shape.size() - 1 - i);
    values = values.permute(reversed);
  }
  if (values.dim() > 4) {
    throw DataError("'" + source + "': an array of " + std::to_string(values.dim()) +
                    " dimensions; expected rows x features, rows x channels x length or rows x channels x height x width");
  }
  if (channels_last && values.dim() >= 3) {
    values = values.dim() == 3 ? values.permute({0, 2, 1}) : values.permute({0, 3, 1, 2});
  }
  Dataset data;
  const int64_t rows = header.shape[0];
  if (values.dim() >= 3) data.sample_shape = values.sizes().slice(1).vec();
  data.features = values.reshape({rows, -1}).to(torch::kFloat).contiguous();
  check_finite(data.features, source);
  for (int64_t c = 1; c <= data.features.size(1); ++c) data.columns.push_back("V" + std::to_string(c));
  return data;
}

}  // namespace hourglass
