// NumPy .npy reader (format versions 1-3). Every size in the header is checked against
// the file before any data is touched.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <regex>

#include "data/mapped_file.hpp"
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
      {"f4", torch::kFloat}, {"f8", torch::kDouble}, {"f2", torch::kHalf},  {"u1", torch::kUInt8}, {"i1", torch::kInt8},
      {"i2", torch::kInt16}, {"i4", torch::kInt32},  {"i8", torch::kInt64}, {"b1", torch::kBool}};
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
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number); it != std::sregex_iterator(); ++it) {
    const std::string digits = (*it)[1];
    if (digits.size() > 12) return fail("a dimension is too large");
    header.shape.push_back(std::stoll(digits));
  }
  return header;
}

// Where the array's values lie in a .npy file, after every check of its header.
struct NpyLayout {
  torch::Dtype dtype;
  std::vector<int64_t> shape;
  bool fortran_order = false;
  size_t offset = 0;  // of the first value
  size_t bytes = 0;   // of the values
};

// The header at the start of a .npy file's `head` (at least the whole header), and the
// offset of the values after it.
std::pair<NpyHeader, size_t> read_header(std::string_view head, const std::string& source) {
  static const char magic[] = "\x93NUMPY";
  if (head.size() < 10 || head.substr(0, 6) != std::string_view(magic, 6)) {
    throw DataError("'" + source + "': not a .npy file (bad magic bytes); save it with numpy.save");
  }
  const auto major = static_cast<unsigned char>(head[6]);
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(head[8]) | static_cast<unsigned char>(head[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (head.size() < 12) throw DataError("'" + source + "': truncated .npy header");
    for (int i = 3; i >= 0; --i) header_len = header_len << 8 | static_cast<unsigned char>(head[8 + i]);
    offset = 12;
  } else {
    throw DataError("'" + source + "': .npy format version " + std::to_string(major) +
                    " is not supported (expected 1, 2 or 3)");
  }
  if (header_len > head.size() - offset) {
    throw DataError("'" + source + "': truncated .npy header (" + std::to_string(header_len) + " bytes announced, " +
                    std::to_string(head.size() - offset) + " present)");
  }
  const NpyHeader header = parse_header(std::string(head.substr(offset, header_len)), source);
  offset += header_len;
  return {header, offset};
}

// `head` is the start of the file (at least the whole header), `file_size` its length.
NpyLayout npy_layout(std::string_view head, size_t file_size, const std::string& source) {
  const auto [header, offset] = read_header(head, source);

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
  if (file_size - offset != expected) {
    throw DataError("'" + source + "': the header announces " + std::to_string(expected) +
                    " bytes of data but the file holds " + std::to_string(file_size - offset) +
                    " (truncated or corrupted file)");
  }
  if (count == 0) throw DataError("'" + source + "': the array is empty; expected rows of numbers");
  if (header.shape.size() > 4) {
    throw DataError(
        "'" + source + "': an array of " + std::to_string(header.shape.size()) +
        " dimensions; expected rows x features, rows x channels x length or rows x channels x height x width");
  }
  return {*dtype, header.shape, header.fortran_order, offset, expected};
}

// Rows x values for training, with the sample shape of arrays of rank 3 and 4.
Dataset dataset_of(at::Tensor values, bool channels_last) {
  if (channels_last && values.dim() >= 3) {
    values = values.dim() == 3 ? values.permute({0, 2, 1}) : values.permute({0, 3, 1, 2});
  }
  Dataset data;
  if (values.dim() >= 3) data.sample_shape = values.sizes().slice(1).vec();
  data.features = values.reshape({values.size(0), -1}).to(torch::kFloat).contiguous();
  data.columns = numbered_columns("V", data.features.size(1));
  return data;
}

}  // namespace

Dataset parse_npy(std::string_view bytes, const std::string& source, bool channels_last) {
  const NpyLayout layout = npy_layout(bytes, bytes.size(), source);
  std::vector<int64_t> shape = layout.shape;
  if (layout.fortran_order) std::reverse(shape.begin(), shape.end());
  auto values = torch::empty(shape, layout.dtype);
  std::memcpy(values.data_ptr(), bytes.data() + layout.offset, layout.bytes);
  if (layout.fortran_order) {
    std::vector<int64_t> reversed(shape.size());
    for (size_t i = 0; i < shape.size(); ++i) reversed[i] = static_cast<int64_t>(shape.size() - 1 - i);
    values = values.permute(reversed);
  }
  Dataset data = dataset_of(values, channels_last);
  // NaN is a missing cell, as in a CSV file and in the same file memory-mapped (whose
  // chunks train() checks for Inf alone); Inf is refused.
  check_no_infinity(data.features, source);
  return data;
}

Dataset map_npy(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw DataError("cannot open '" + path + "': " + std::strerror(errno));
  const auto file_size = static_cast<size_t>(file.tellg());
  // The header ends by byte 12 + 2^32 in format 3; in practice within a few hundred.
  std::string head(std::min<size_t>(file_size, 1 << 20), '\0');
  file.seekg(0);
  file.read(head.data(), static_cast<std::streamsize>(head.size()));
  const NpyLayout layout = npy_layout(head, file_size, path);
  if (layout.dtype != torch::kFloat || layout.fortran_order) {
    throw DataError("'" + path + "': memory mapping needs float32 values in C order, got " +
                    std::string(c10::toString(layout.dtype)) + (layout.fortran_order ? " in Fortran order" : "") +
                    "; save it with np.save(path, np.ascontiguousarray(x, dtype=np.float32)), or read it without "
                    "--memory-map");
  }
  // No finiteness check here: it would read the whole file; train() checks each chunk.
  return dataset_of(map_file_as_tensor(path, layout.offset, layout.shape), false);
}

}  // namespace hourglass
