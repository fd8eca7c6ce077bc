// How an epoch walks through the data: rows are gathered a chunk at a time in the
// epoch's order, scaled, then cut into batches. Chunks bound the memory that an epoch
// adds (no copy of the whole data set) and let a memory-mapped file give its pages back.
//
//   const int64_t chunk = chunk_rows(x, batch);
//   const auto order = epoch_order(x.size(0), chunk, is_memory_mapped(x));
//   for (int64_t first = 0; first < rows; first += chunk) {
//     const auto rows = rows_in_order(x, order, first, std::min(chunk, rows - first), coding);
//     ... batches of rows ...
//   }
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "hourglass/data/table_coding.hpp"

namespace hourglass {

/// Rows per chunk: about 32 MB of values, and a whole number of batches.
int64_t chunk_rows(const at::Tensor& x, int64_t batch);

/// A uniform random permutation of `rows`; for memory-mapped data, blocks of
/// chunk / 8 contiguous rows in random order, permuted within each run of 8 blocks (a
/// shuffle buffer), so that a chunk reads a few stretches of the file.
at::Tensor epoch_order(int64_t rows, int64_t chunk, bool memory_mapped);

/// `count` rows from position `first` of `order` (x's own order when `order` is
/// undefined), scaled.
at::Tensor rows_in_order(const at::Tensor& x, const at::Tensor& order, int64_t first, int64_t count,
                         const TableCoding& coding);

}  // namespace hourglass
