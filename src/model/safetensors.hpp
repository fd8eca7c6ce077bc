// The safetensors container (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape and byte
// range, then the raw little-endian tensor bytes. Python reads the files Hourglass
// writes with safetensors.torch.load_file.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hourglass::safetensors {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

struct Contents {
  std::map<std::string, std::string> metadata;
  NamedTensors tensors;  // sorted by name
  /// True when the file carried a CRC-32 of its bytes, which matched.
  bool checksummed = false;
};

/// Serialises float32/float64/int64/uint8 CPU tensors with string metadata; with
/// `checksum`, the metadata "hourglass_crc32" holds the CRC-32 (zlib's) of the whole
/// file, computed with those 8 hex digits as zeros.
std::string encode(const NamedTensors& tensors, const std::map<std::string, std::string>& metadata,
                   bool checksum = true);

/// Parses and validates a whole file: a checksum, when the file has one, before
/// anything is parsed; then the header's depth, and every offset, size, dtype and shape
/// against the byte count before a tensor is copied. Throws ModelFileError naming
/// `source` and the problem.
Contents decode(std::string_view bytes, const std::string& source);

}  // namespace hourglass::safetensors
