// Read-only memory maps that back tensors (ReadOptions::memory_map), and a way to give
// their resident pages back.
//
// A mapped page that has been read counts in the process's resident memory until it is
// unmapped, so a pass over a file larger than memory would grow without bound. Code
// that streams through a tensor (training, the finiteness check) calls
// release_mapped_pages() after each chunk: the pages leave this process but stay in the
// kernel's page cache, and reading them again costs a minor fault, not a disk read.
//
//   auto values = map_file_as_tensor(path, offset, {rows, columns});
//   ... read a chunk of values ...
//   release_mapped_pages(values);
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace hourglass {

/// A float32 tensor of `sizes` over the bytes of `path` from `offset` (a read-only
/// shared map); it keeps the map alive. Throws DataError when the file cannot be mapped.
at::Tensor map_file_as_tensor(const std::string& path, size_t offset, const std::vector<int64_t>& sizes);

/// Unmaps the resident pages of the map behind `values`, if a map backs it; a no-op for
/// ordinary tensors.
void release_mapped_pages(const at::Tensor& values);

/// Throws DataError when the file behind `values`' map has shrunk since it was mapped
/// (reading past its new end would raise SIGBUS); a no-op for ordinary tensors.
void check_mapped_file(const at::Tensor& values);

/// True when a memory map backs `values`.
bool is_memory_mapped(const at::Tensor& values);

}  // namespace hourglass
