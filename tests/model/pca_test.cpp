#include "hourglass/model/pca.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

TEST(Pca, ReconstructsDataOfExactRankK) {
  const auto x = testing::low_rank_data(50, 7, 3);
  const Pca p = pca(x, 3);
  EXPECT_LT((p.reconstruct(x) - x).abs().max().item<double>(), 1e-4);
}

TEST(Pca, AgreesWithTheSingularValueDecomposition) {
  const auto x = testing::iris().features.to(torch::kDouble);
  const Pca p = pca(x, 2);
  const auto centered = x - x.mean(0);
  auto [u, s, vh] = torch::linalg_svd(centered, false);
  const auto variance = s.square() / (x.size(0) - 1);
  EXPECT_TRUE(torch::allclose(p.explained_variance().to(torch::kDouble), variance.narrow(0, 0, 2), 1e-4));
  // the same directions up to sign; ours have a positive largest entry
  const auto dots = (p.components().to(torch::kDouble) * vh.narrow(0, 0, 2)).sum(1).abs();
  EXPECT_TRUE(torch::allclose(dots, torch::ones({2}, torch::kDouble), 1e-5));
  const auto gram = p.components().mm(p.components().t());
  EXPECT_TRUE(torch::allclose(gram, torch::eye(2), 1e-5));
  for (int64_t i = 0; i < 2; ++i) {
    const auto row = p.components()[i];
    EXPECT_GT(row[row.abs().argmax()].item<double>(), 0);
  }
  // the codes' variances are the eigenvalues
  EXPECT_TRUE(torch::allclose(p.encode(x).var(0), p.explained_variance(), 1e-4));
}

TEST(Pca, RejectsKOutsideTheColumns) {
  const auto x = testing::low_rank_data(10, 4, 2);
  EXPECT_THROW(pca(x, 0), InvalidArgument);
  try {
    pca(x, 5);
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("between 1 and the 4 columns"), std::string::npos);
  }
  EXPECT_THROW(pca(x, 2).encode(torch::zeros({3, 3})), InvalidArgument);
}

}  // namespace
}  // namespace hourglass
