#include "train/batches.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

namespace hourglass {
namespace {

TEST(Batches, AChunkIsAboutThirtyTwoMegabytesOfWholeBatches) {
  EXPECT_EQ(chunk_rows(torch::empty({10, 784}), 128) % 128, 0);
  EXPECT_EQ(chunk_rows(torch::empty({10, 784}), 128), (int64_t{8} << 20) / (784 * 128) * 128);
  EXPECT_EQ(chunk_rows(torch::empty({10, 1 << 24}), 32), 32);  // at least one batch
}

TEST(Batches, EveryOrderVisitsEachRowOnce) {
  for (const bool mapped : {false, true}) {
    torch::manual_seed(4);
    const int64_t rows = 1003;
    const auto order = epoch_order(rows, 80, mapped);
    ASSERT_EQ(order.numel(), rows);
    EXPECT_TRUE(torch::equal(std::get<0>(order.sort()), torch::arange(rows)));
    EXPECT_FALSE(torch::equal(order, torch::arange(rows)));
  }
}

TEST(Batches, AMappedChunkReadsAtMostNineBlocks) {
  torch::manual_seed(5);
  const int64_t rows = 5000, chunk = 400, block = chunk / 8;
  const auto order = epoch_order(rows, chunk, true);
  for (int64_t first = 0; first < rows; first += chunk) {
    const auto part = order.narrow(0, first, std::min(chunk, rows - first));
    std::set<int64_t> blocks;
    for (int64_t i = 0; i < part.numel(); ++i) blocks.insert(part[i].item<int64_t>() / block);
    EXPECT_LE(blocks.size(), 9u) << "chunk at " << first;
  }
}

TEST(Batches, RowsComeInTheOrderGivenAndScaled) {
  const auto x = torch::arange(12, torch::kFloat).view({6, 2});
  const auto coding = TableCoding::from_parts(Scaler::from_parts("minmax", torch::zeros({2}), torch::full({2}, 2.0)),
                                              torch::zeros({2}), {}, {});
  const auto order = torch::tensor({5, 0, 3, 1, 2, 4});
  EXPECT_TRUE(torch::equal(rows_in_order(x, order, 1, 2, coding), torch::stack({x[0], x[3]}) / 2));
  EXPECT_TRUE(torch::equal(rows_in_order(x, {}, 4, 2, TableCoding()), x.narrow(0, 4, 2)));
}

}  // namespace
}  // namespace hourglass
