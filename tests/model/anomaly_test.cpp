#include "hourglass/model/anomaly.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/train/train.hpp"
#include "model/model_access.hpp"
#include "model/safetensors.hpp"
#include "model/serialization.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using hourglass::testing::error_of;
using hourglass::testing::iris;
using hourglass::testing::temp_path;

Model iris_model(const std::string& loss = "mse", const std::string& scale = "zscore") {
  return train(autoencoder("3,2:tanh", loss), iris().features, TrainOptions().epochs(3).scale(scale).seed(5));
}

// What the loss sees: the reconstruction and the data, both scaled.
std::pair<torch::Tensor, torch::Tensor> scaled_pair(const Model& model, const torch::Tensor& x) {
  return {model.scaler().transform(model.reconstruct(x)), model.scaler().transform(x)};
}

TEST(Score, IsTheMseOfEachRowOnTheScaledData) {
  const Model model = iris_model();
  const auto x = iris().features;
  const auto [reconstruction, target] = scaled_pair(model, x);
  const auto expected = (reconstruction - target).square().mean(1);
  const auto scores = model.score(x);
  ASSERT_EQ(scores.sizes(), torch::IntArrayRef({150}));
  EXPECT_TRUE(torch::allclose(scores, expected, 1e-4, 1e-6)) << (scores - expected).abs().max();
  // Their mean is what evaluate() calls the loss of a learner without penalties.
  EXPECT_NEAR(scores.mean().item<double>(), model.evaluate(x, {"loss"}).at("loss"), 1e-5);
}

TEST(Score, FollowsTheModelsLossMaeAndBce) {
  const auto x = iris().features;
  const Model mae = iris_model("mae");
  const auto [r1, t1] = scaled_pair(mae, x);
  EXPECT_TRUE(torch::allclose(mae.score(x), (r1 - t1).abs().mean(1), 1e-4, 1e-6));

  // bce on data in [0, 1]: -(t log p + (1 - t) log(1 - p)), p clipped to [1e-7, 1 - 1e-7].
  const Model bce = train(autoencoder("input() + dense(2, tanh) + output(sigmoid)", "bce"), x,
                          TrainOptions().epochs(3).scale("minmax").seed(5));
  const auto [r2, t2] = scaled_pair(bce, x);
  const auto p = r2.clamp(1e-7, 1 - 1e-7);
  const auto expected = -(t2 * p.log() + (1 - t2) * (1 - p).log()).mean(1);
  EXPECT_TRUE(torch::allclose(bce.score(x), expected, 1e-3, 1e-5)) << (bce.score(x) - expected).abs().max();
}

TEST(Score, PerFeatureSharesSumToTheScore) {
  const Model model = iris_model();
  const auto x = iris().features;
  const auto shares = model.score_per_feature(x);
  ASSERT_EQ(shares.sizes(), torch::IntArrayRef({150, 4}));
  const auto [reconstruction, target] = scaled_pair(model, x);
  EXPECT_TRUE(torch::allclose(shares, (reconstruction - target).square() / 4, 1e-4, 1e-6));
  EXPECT_TRUE(torch::allclose(shares.sum(1), model.score(x), 1e-5, 1e-7));
  EXPECT_TRUE((shares >= 0).all().item<bool>());
}

TEST(Score, PerFeatureSharesNeedALossOfCells) {
  const Model model = iris_model("cosine_similarity");
  const auto message = error_of<InvalidArgument>([&] { model.score_per_feature(iris().features); });
  EXPECT_NE(message.find("cosine_similarity is a loss of whole rows"), std::string::npos) << message;
  // The score itself is the loss of each row: minus the cosine of the scaled vectors.
  const auto [reconstruction, target] = scaled_pair(model, iris().features);
  const auto cosine = torch::nn::functional::cosine_similarity(reconstruction, target);
  EXPECT_TRUE(torch::allclose(model.score(iris().features), -cosine, 1e-4, 1e-5));
}

TEST(Score, ElboOfOneDrawIsTheVariationalObjectivePerRow) {
  const auto x = iris().features;
  const Model vae = train(
      autoencoder_variational(input() + dense(4, "tanh") + variational(2) + dense(4, "tanh") + output(), "mse", 0.5), x,
      TrainOptions().epochs(2).scale("zscore").seed(3));
  // The objective and the score draw the same epsilon from the same seed.
  torch::manual_seed(11);
  const auto scores = vae.score(x, ScoreOptions().kind("elbo").samples(1));
  torch::manual_seed(11);
  const double loss = vae.evaluate(x, {"loss"}).at("loss");
  EXPECT_NEAR(scores.mean().item<double>(), loss, 1e-4 * std::abs(loss));

  // More draws average the reconstruction term; the KL part is exact, so the score stays
  // above beta * KL and its spread between two runs shrinks.
  const auto many = vae.score(x, ScoreOptions().kind("elbo").samples(64));
  const auto again = vae.score(x, ScoreOptions().kind("elbo").samples(64));
  EXPECT_LT((many - again).abs().mean().item<double>(),
            (scores - vae.score(x, ScoreOptions().kind("elbo").samples(1))).abs().mean().item<double>());

  const auto message = error_of<InvalidArgument>([&] { iris_model().score(x, ScoreOptions().kind("elbo")); });
  EXPECT_NE(message.find("elbo score needs a variational model"), std::string::npos) << message;
  EXPECT_NE(error_of<InvalidArgument>([&] {
              vae.score(x, ScoreOptions().kind("likelihood"));
            }).find("valid: reconstruction, elbo"),
            std::string::npos);
}

TEST(Threshold, RulesMatchTheirDefinitionsOnOneToTen) {
  const auto scores = torch::arange(1, 11, torch::kDouble).flip(0);  // order must not matter
  // Linear interpolation: the q-quantile of 1..10 is 1 + 9 q.
  EXPECT_DOUBLE_EQ(threshold_from_scores(scores, "contamination:0.1"), 9.1);
  EXPECT_DOUBLE_EQ(threshold_from_scores(scores, "fpr:0.25"), 7.75);
  // Q1 = 3.25, Q3 = 7.75.
  EXPECT_DOUBLE_EQ(threshold_from_scores(scores, "iqr:1.5"), 7.75 + 1.5 * 4.5);
  EXPECT_DOUBLE_EQ(threshold_from_scores(scores, "iqr:0"), 7.75);
  // Median 5.5; |i - 5.5| = 0.5, 0.5, 1.5, 1.5, ..., 4.5, 4.5 has median 2.5.
  EXPECT_NEAR(threshold_from_scores(scores, "mad:3"), 5.5 + 3 * 1.482602218505602 * 2.5, 1e-12);
  EXPECT_DOUBLE_EQ(threshold_from_scores(scores, "2.5"), 2.5);
  EXPECT_DOUBLE_EQ(score_quantile(scores, 0.5), 5.5);
  EXPECT_DOUBLE_EQ(score_quantile(scores, 0), 1);
  EXPECT_DOUBLE_EQ(score_quantile(scores, 1), 10);
}

TEST(Threshold, ContaminationFlagsThatShareOfTheRows) {
  auto generator = at::detail::createCPUGenerator(2);
  const auto scores = torch::rand({1000}, generator);
  for (double c : {0.01, 0.1, 0.25, 0.5}) {
    const double t = threshold_from_scores(scores, "contamination:" + format_number(c));
    EXPECT_EQ((scores > t).sum().item<int64_t>(), static_cast<int64_t>(c * 1000)) << c;
  }
  // MAD of normal scores estimates their standard deviation: mad:2 flags about 2.3%.
  const auto normal = torch::randn({20000}, generator) * 3 + 10;
  const double t = threshold_from_scores(normal, "mad:2");
  EXPECT_NEAR(t, 10 + 2 * 3, 0.15);
  EXPECT_NEAR((normal > t).to(torch::kDouble).mean().item<double>(), 0.0228, 0.004);
}

TEST(Threshold, BadRulesAreRefusedWithTheValidOnes) {
  const auto scores = torch::rand({10});
  for (const std::string rule :
       {"contamination:0.7", "contamination:0", "fpr:1", "mad:0", "iqr:-1", "foo:1", "mad:", "abc", "nan", ""}) {
    const auto message = error_of<InvalidArgument>([&] { threshold_from_scores(scores, rule); });
    EXPECT_NE(message.find("threshold rule '" + rule + "'"), std::string::npos) << message;
    EXPECT_NE(message.find("expected contamination:C"), std::string::npos) << message;
  }
  const auto bad = scores.clone();
  bad[3] = std::numeric_limits<float>::infinity();
  EXPECT_NE(error_of<InvalidArgument>([&] { threshold_from_scores(bad, "mad:3"); }).find("finite"), std::string::npos);
}

TEST(Metrics, AucAndAveragePrecisionByHand) {
  // scikit-learn's documentation example: AUC 0.75, AP 0.8333.
  const auto scores = torch::tensor({0.1, 0.4, 0.35, 0.8});
  const auto truth = torch::tensor({0, 0, 1, 1});
  EXPECT_DOUBLE_EQ(roc_auc(scores, truth), 0.75);
  // From the top: 0.8 (an outlier: recall 1/2 at precision 1), 0.4 (an inlier),
  // 0.35 (the other outlier: recall 2/2 at precision 2/3): 1/2 * 1 + 1/2 * 2/3.
  EXPECT_DOUBLE_EQ(average_precision(scores, truth), 0.5 + 0.5 * 2.0 / 3.0);
  // Ties: the outlier ties one inlier (half a pair) and beats the other.
  const auto tied = torch::tensor({1.0, 1.0, 0.0});
  const auto one_outlier = torch::tensor({1, 0, 0});
  EXPECT_DOUBLE_EQ(roc_auc(tied, one_outlier), 0.75);
  EXPECT_DOUBLE_EQ(average_precision(tied, one_outlier), 0.5);
  // A perfect and a reversed ranking.
  EXPECT_DOUBLE_EQ(roc_auc(torch::tensor({3, 2, 1}), torch::tensor({1, 0, 0})), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc(torch::tensor({1, 2, 3}), torch::tensor({1, 0, 0})), 0.0);
  EXPECT_NE(error_of<InvalidArgument>([&] { roc_auc(scores, torch::zeros({4})); }).find("0 outliers and 4 inliers"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([&] {
              roc_auc(scores, torch::tensor({0, 2, 1, 1}));
            }).find("0 (inlier) or 1"),
            std::string::npos);
}

TEST(Metrics, ConfusionAndF1) {
  const Confusion c = confusion(torch::tensor({1, 1, 0, 0, 1}), torch::tensor({1, 0, 1, 0, 1}));
  EXPECT_EQ(c.true_positives, 2);
  EXPECT_EQ(c.false_positives, 1);
  EXPECT_EQ(c.false_negatives, 1);
  EXPECT_EQ(c.true_negatives, 1);
  EXPECT_DOUBLE_EQ(c.precision(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.recall(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.f1(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(confusion(torch::zeros({2}), torch::tensor({1, 0})).f1(), 0.0);  // nothing flagged
}

TEST(ModelThreshold, IsKeptInTheModelFileAndAppliesToNewData) {
  Model model = iris_model();
  const auto x = iris().features;
  EXPECT_FALSE(model.threshold().has_value());
  EXPECT_NE(error_of<InvalidArgument>([&] { model.is_outlier(x); }).find("has no threshold"), std::string::npos);

  const Model before = model;
  const Threshold& set = model.set_threshold(x, "contamination:0.1");
  EXPECT_FALSE(before.threshold().has_value());  // copies share weights, not thresholds
  EXPECT_TRUE(torch::equal(before.reconstruct(x), model.reconstruct(x)));
  EXPECT_DOUBLE_EQ(set.value, score_quantile(model.score(x), 0.9));
  EXPECT_EQ(set.rows, 150);
  EXPECT_EQ(model.is_outlier(x).sum().item<int64_t>(), 15);

  const std::string path = temp_path("threshold.hgm");
  model.save(path);
  const Model loaded = Model::load(path);
  ASSERT_TRUE(loaded.threshold().has_value());
  EXPECT_EQ(loaded.threshold()->value, set.value);  // bit for bit
  EXPECT_EQ(loaded.threshold()->rule, "contamination:0.1");
  EXPECT_EQ(loaded.threshold()->score, "reconstruction");
  EXPECT_TRUE(torch::equal(loaded.is_outlier(x), model.is_outlier(x)));

  // Training more gives new scores: the threshold does not carry over.
  const Model more = train(loaded, x, TrainOptions().epochs(1));
  EXPECT_FALSE(more.threshold().has_value());
  EXPECT_TRUE(loaded.threshold().has_value());
}

TEST(ModelThreshold, FilesWithoutOneLoadAndABadOneIsRefused) {
  Model model = iris_model();
  auto contents = safetensors::decode(serialize_model(ModelAccess::impl(model)), "x");
  EXPECT_EQ(nlohmann::json::parse(contents.metadata["config"]).count("threshold"), 0u);
  EXPECT_FALSE(Model(deserialize_model(safetensors::encode(contents.tensors, contents.metadata), "old.hgm"))
                   .threshold()
                   .has_value());

  model.set_threshold(iris().features, "mad:3");
  contents = safetensors::decode(serialize_model(ModelAccess::impl(model)), "x");
  auto config = nlohmann::json::parse(contents.metadata["config"]);
  EXPECT_EQ(config["threshold"]["rule"], "mad:3");
  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"score", "elbo"}, {"rule", "mad:-1"}, {"value", "high"}, {"samples", 0}}) {
    auto broken = config;
    broken["threshold"][field] = value;
    contents.metadata["config"] = broken.dump();
    const auto message = error_of<ModelFileError>(
        [&] { deserialize_model(safetensors::encode(contents.tensors, contents.metadata), "bad.hgm"); });
    EXPECT_NE(message.find("'bad.hgm' is not a valid Hourglass model file"), std::string::npos) << message;
  }
}

// Rows on a plane in 8 dimensions, and as many planted rows of the same size off it.
std::pair<torch::Tensor, torch::Tensor> planted(int64_t inliers, int64_t outliers) {
  auto generator = at::detail::createCPUGenerator(9);
  const auto basis = torch::randn({2, 8}, generator);
  const auto normal = torch::randn({inliers, 2}, generator).mm(basis);
  auto strange = torch::randn({outliers, 8}, generator);
  strange = strange / strange.norm(2, 1, true) * normal.norm(2, 1).mean();
  const auto truth = torch::cat({torch::zeros({inliers}), torch::ones({outliers})});
  return {torch::cat({normal, strange}), truth};
}

TEST(ModelThreshold, ATrainedModelSeparatesPlantedOutliersBetterThanAnUntrainedOne) {
  const auto [data, truth] = planted(400, 20);
  const auto learner = autoencoder("6,2", "mse");
  const Model untrained = train(learner, data, TrainOptions().epochs(1).learning_rate(1e-12).seed(1));
  Model trained = train(learner, data, TrainOptions().epochs(60).optimizer("adam").seed(1));
  const double before = roc_auc(untrained.score(data), truth), after = roc_auc(trained.score(data), truth);
  EXPECT_GT(after, 0.97);
  EXPECT_GT(after, before + 0.1) << "untrained " << before << ", trained " << after;
  // 20 / 420 planted: the contamination rule catches most of them.
  trained.set_threshold(data, "contamination:0.05");
  EXPECT_GT(confusion(trained.is_outlier(data), truth).f1(), 0.8);
}

}  // namespace
}  // namespace hourglass
