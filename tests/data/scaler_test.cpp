#include "hourglass/data/scaler.hpp"

#include <gtest/gtest.h>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

const auto kData = torch::tensor({1.0f, 10.0f, 5.0f, 3.0f, 20.0f, 5.0f, 5.0f, 30.0f, 5.0f}).view({3, 3});

TEST(Scaler, ZscoreCentresAndScalesEachColumn) {
  const Scaler s = Scaler::fit("zscore", kData);
  const auto z = s.transform(kData);
  EXPECT_TRUE(torch::allclose(z.mean(0), torch::zeros({3}), 1e-6, 1e-6));
  EXPECT_NEAR(z.select(1, 0).std().item<double>(), 1.0, 1e-6);
  EXPECT_NEAR(z.select(1, 1)[2].item<double>(), (30.0 - 20.0) / 10.0, 1e-6);
  EXPECT_TRUE(torch::equal(z.select(1, 2), torch::zeros({3})));  // constant column: scale 1
  EXPECT_TRUE(torch::allclose(s.inverse_transform(z), kData));
}

TEST(Scaler, MinmaxMapsEachColumnToTheUnitInterval) {
  const Scaler s = Scaler::fit("minmax", kData);
  const auto m = s.transform(kData);
  EXPECT_TRUE(torch::allclose(m.select(1, 0), torch::tensor({0.0f, 0.5f, 1.0f})));
  EXPECT_TRUE(torch::allclose(s.inverse_transform(m), kData));
}

TEST(Scaler, NoneIsTheIdentityAndUnknownKindsAreRefused) {
  const Scaler s = Scaler::fit("none", kData);
  EXPECT_TRUE(s.is_identity());
  EXPECT_TRUE(torch::equal(s.transform(kData), kData));
  EXPECT_THROW(Scaler::fit("robust", kData), InvalidArgument);
  EXPECT_THROW(Scaler::from_parts("zscorf", torch::zeros({3}), torch::ones({3})), InvalidArgument);
}

TEST(Scaler, LargeDataIsFittedInChunksToTheSameStatistics) {
  // Over 2^24 values: the chunked path, against statistics computed in double at once.
  torch::manual_seed(6);
  const auto x = torch::randn({70000, 250}) * 3 + 100;
  const auto exact = x.to(torch::kDouble);
  const auto zscore = Scaler::fit("zscore", x);
  EXPECT_TRUE(torch::allclose(zscore.offset(), exact.mean(0).to(torch::kFloat), 1e-6, 1e-4));
  EXPECT_TRUE(torch::allclose(zscore.scale(), exact.std(0).to(torch::kFloat), 1e-5, 1e-5));
  const auto minmax = Scaler::fit("minmax", x);
  EXPECT_TRUE(torch::equal(minmax.offset(), std::get<0>(x.min(0))));
  EXPECT_TRUE(torch::equal(minmax.scale(), std::get<0>(x.max(0)) - std::get<0>(x.min(0))));
}

TEST(Scaler, FiniteCheckNamesTheRowInALaterChunk) {
  auto x = torch::zeros({70000, 250});
  x[69000][7] = std::numeric_limits<float>::infinity();
  const auto message = testing::error_of<DataError>([&] { check_finite(x, "big"); });
  EXPECT_NE(message.find("row 69001, column 8"), std::string::npos) << message;
}

}  // namespace
}  // namespace hourglass
