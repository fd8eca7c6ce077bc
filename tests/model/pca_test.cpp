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

namespace hourglass {
namespace {

// The components and variances of the centred data's SVD: the independent reference.
std::pair<torch::Tensor, torch::Tensor> by_svd(const torch::Tensor& x, int64_t k) {
  const auto centred = x.to(torch::kDouble) - x.to(torch::kDouble).mean(0);
  auto [u, s, vh] = torch::linalg_svd(centred, false);
  return {vh.narrow(0, 0, k), s.narrow(0, 0, k).square() / (x.size(0) - 1)};
}

void expect_matches_svd(const Pca& p, const torch::Tensor& x, int64_t k, double tolerance) {
  const auto [directions, variances] = by_svd(x, k);
  EXPECT_TRUE(torch::allclose(p.explained_variance().to(torch::kDouble), variances, tolerance, tolerance))
      << p.explained_variance() << variances;
  const auto dots = (p.components().to(torch::kDouble) * directions).sum(1).abs();
  EXPECT_TRUE(torch::allclose(dots, torch::ones({k}, torch::kDouble), tolerance, tolerance)) << dots;
}

TEST(Pca, TheCovarianceSolverGivesTheNumbersItAlwaysGave) {
  // The numbers of Hourglass 0.1 on iris (hourglass pca data/iris.csv --dim 2).
  const auto x = testing::iris().features;
  const Pca p = pca(x, 2);
  EXPECT_EQ(Pca::solver_for(150, 4), std::string("covariance"));
  EXPECT_NEAR((p.reconstruct(x) - x).square().mean().item<double>(), 0.0253411, 1e-7);
  EXPECT_NEAR(p.explained_variance().sum().item<double>() / x.var(0).sum().item<double>(), 0.977685, 1e-6);
}

TEST(Pca, FewerRowsThanColumnsUsesTheGramMatrixAndAgreesWithTheSvd) {
  torch::manual_seed(7);
  const auto x = testing::low_rank_data(40, 3000, 6) + 0.01 * torch::randn({40, 3000});
  EXPECT_EQ(Pca::solver_for(40, 3000), std::string("gram"));
  const Pca p = pca(x, 5);
  expect_matches_svd(p, x, 5, 1e-4);
  // The same numbers as the covariance solver, on data small enough for both.
  const auto small = testing::low_rank_data(12, 30, 4) + 0.01 * torch::randn({12, 30});
  const Pca gram = Pca::fit(small, 3, "gram"), covariance = Pca::fit(small, 3, "covariance");
  EXPECT_TRUE(torch::allclose(gram.components(), covariance.components(), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(gram.explained_variance(), covariance.explained_variance(), 1e-5, 1e-6));
  // Beyond the rows, the extra components are orthogonal and explain nothing.
  const Pca all = Pca::fit(small, 20, "gram");
  EXPECT_TRUE(torch::allclose(all.components().mm(all.components().t()), torch::eye(20), 1e-4, 1e-4));
  EXPECT_LT(all.explained_variance().narrow(0, 12, 8).abs().max().item<double>(), 1e-6);
}

TEST(Pca, TheRandomizedSolverAgreesWithTheExactOne) {
  torch::manual_seed(8);
  const auto x = testing::low_rank_data(600, 80, 5) + 0.05 * torch::randn({600, 80});
  const Pca randomized = Pca::fit(x, 4, "randomized"), exact = Pca::fit(x, 4, "covariance");
  EXPECT_TRUE(torch::allclose(randomized.explained_variance(), exact.explained_variance(), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(randomized.components(), exact.components(), 1e-4, 1e-4));
  EXPECT_EQ(Pca::solver_for(100000, 5000), std::string("randomized"));
  EXPECT_THROW(Pca::fit(x, 2, "lanczos"), InvalidArgument);
}

// The error and variances `hourglass pca` prints come from the eigenvalues; here they are
// measured on the data, for every solver. The data is wider than one chunk, so encode()
// runs in parts.
TEST(Pca, FittedErrorAndTotalVarianceAreTheDatasForEverySolver) {
  torch::manual_seed(9);
  const auto x = (testing::low_rank_data(3000, 800, 6) + 0.1 * torch::randn({3000, 800})).to(torch::kFloat);
  const auto wide = x.narrow(0, 0, 300).narrow(1, 0, 600);
  for (const auto& [data, solver] :
       std::vector<std::pair<at::Tensor, std::string>>{{x, "covariance"}, {x, "randomized"}, {wide, "gram"}}) {
    const Pca p = Pca::fit(data, 5, solver);
    const auto d = data.to(torch::kDouble);
    const double measured = (p.reconstruct(data).to(torch::kDouble) - d).square().mean().item<double>();
    EXPECT_NEAR(p.fitted_mse(), measured, 1e-4 * measured) << solver;
    EXPECT_NEAR(p.total_variance(), d.var(0).sum().item<double>(), 1e-6 * p.total_variance()) << solver;
    const auto direct = (data - p.mean()).mm(p.components().t());
    EXPECT_TRUE(torch::allclose(p.encode(data), direct, 1e-4, 1e-4)) << solver;
  }
}

}  // namespace
}  // namespace hourglass
