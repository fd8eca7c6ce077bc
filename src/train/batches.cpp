#include "train/batches.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <vector>

#include "data/mapped_file.hpp"

namespace hourglass {

int64_t chunk_rows(const at::Tensor& x, int64_t batch) {
  constexpr int64_t kChunkValues = int64_t{8} << 20;
  const int64_t batches = std::max<int64_t>(1, kChunkValues / std::max<int64_t>(1, x.size(1) * batch));
  return batches * batch;
}

// Scattered rows would each map a whole page-cache folio (up to 2 MB with the large
// folios of recent kernels): a chunk of random rows maps most of the file, and resident
// memory grows towards its size. Blocks keep a chunk to a few stretches, as tf.data's
// shuffle buffer does for data larger than memory.
at::Tensor epoch_order(int64_t rows, int64_t chunk, bool memory_mapped) {
  if (!memory_mapped) return torch::randperm(rows);
  constexpr int64_t kBlocksPerChunk = 8;
  const int64_t block = std::max<int64_t>(1, chunk / kBlocksPerChunk);
  const int64_t blocks = (rows + block - 1) / block;
  const auto block_order = torch::randperm(blocks);
  const auto* block_index = block_order.data_ptr<int64_t>();
  std::vector<at::Tensor> pieces;
  for (int64_t first = 0; first < blocks; first += kBlocksPerChunk) {
    std::vector<at::Tensor> window;
    for (int64_t b = first; b < std::min(blocks, first + kBlocksPerChunk); ++b) {
      const int64_t start = block_index[b] * block;
      window.push_back(torch::arange(start, std::min(rows, start + block), torch::kLong));
    }
    const auto rows_in_window = torch::cat(window);
    pieces.push_back(rows_in_window.index_select(0, torch::randperm(rows_in_window.size(0))));
  }
  return torch::cat(pieces);
}

at::Tensor rows_in_order(const at::Tensor& x, const at::Tensor& order, int64_t first, int64_t count,
                         const TableCoding& coding) {
  check_mapped_file(x);  // a file truncated under its map: an error, not SIGBUS
  const auto rows = order.defined() ? x.index_select(0, order.narrow(0, first, count)) : x.narrow(0, first, count);
  return coding.target(rows);
}

}  // namespace hourglass
