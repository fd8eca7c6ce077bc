// End-to-end tests of anomaly detection on the command line: score, threshold, train
// --contamination and evaluate --label, checked against the library.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "hourglass/hourglass.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using namespace hourglass::testing;  // NOLINT: the helpers every test here uses

std::string trained_detector(const std::string& extra = "") {
  const std::string path = temp_path("iris.hgm");
  const Result r = hourglass_cli("train " + kIris + " --label Species --network '3,2:tanh' --scale zscore " +
                                 "--epochs 3 --seed 1 --quiet -o " + path + " " + extra);
  EXPECT_EQ(r.status, 0) << r.err;
  return path;
}

// iris.csv with the species replaced by 1 for setosa and 0 for the others.
std::string iris_with_binary_labels() {
  std::string text = slurp(kIris);
  text = std::regex_replace(text, std::regex(",setosa"), ",1");
  text = std::regex_replace(text, std::regex(",(versicolor|virginica)"), ",0");
  return write_text("iris01.csv", text);
}

TEST(CliAnomaly, TrainWithContaminationStoresThePyodThreshold) {
  const Result r = hourglass_cli("train " + kIris + " --label Species --network '3,2:tanh' --scale zscore " +
                                 "--epochs 3 --seed 1 --no-baseline --contamination 0.1 -o " + temp_path("c.hgm"));
  ASSERT_EQ(r.status, 0) << r.err;
  const Model model = Model::load(temp_path("c.hgm"));
  ASSERT_TRUE(model.threshold().has_value());
  const auto scores = model.score(testing::iris().features);
  EXPECT_EQ(model.threshold()->rule, "contamination:0.1");
  EXPECT_DOUBLE_EQ(model.threshold()->value, score_quantile(scores, 0.9));
  EXPECT_NE(r.err.find("(contamination:0.1 on the reconstruction scores of 150 rows): 15 of them above it"),
            std::string::npos)
      << r.err;
}

TEST(CliAnomaly, WithoutANetworkAThresholdTrainsTheDefaultDetectorSizedToTheData) {
  const std::string path = temp_path("default-detector.hgm");
  Result r = hourglass_cli("train " + kIris + " --label Species --contamination 0.1 --epochs 2 --seed 1 " +
                           "--ensemble 2 --no-baseline -o " + path);
  ASSERT_EQ(r.status, 0) << r.err;
  // The recipe for 150 rows of 4 columns, with the user's --ensemble kept.
  EXPECT_NE(r.err.find("The default detector for 150 rows of 4 columns: --network 4,2:relu --scale zscore "
                       "--ensemble 2 --trim 0.3 --other-level 1"),
            std::string::npos)
      << r.err;
  const Model model = Model::load(path);
  EXPECT_EQ(model.ensemble_size(), 2);
  EXPECT_EQ(model.scaler().kind(), "zscore");
  EXPECT_EQ(model.learner().network.to_string(), parse_network("4,2:relu").to_string());
  EXPECT_EQ(model.threshold()->rule, "contamination:0.1");
  // Neither a network nor a threshold: the message names all three ways.
  r = hourglass_cli("train " + kIris + " --label Species -o " + path);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("a threshold (--contamination C) for the default anomaly detector"), std::string::npos) << r.err;
}

TEST(CliAnomaly, AnEnsembleTrainsScoresAndSaysSoInItsSummary) {
  const std::string path = trained_detector("--ensemble 3 --contamination 0.1");
  const Model model = Model::load(path);
  ASSERT_EQ(model.ensemble_size(), 3);
  const auto x = testing::iris().features;
  EXPECT_DOUBLE_EQ(model.threshold()->value, score_quantile(model.score(x), 0.9));
  Result r = hourglass_cli("score " + path + " " + kIris + " --label Species");
  ASSERT_EQ(r.status, 0) << r.err;
  const Dataset table = parse_delimited(r.out, "scores", ReadOptions().label("Species"));
  EXPECT_TRUE(torch::equal(table.features.select(1, 0), model.score(x)));
  r = hourglass_cli("summary " + path);
  EXPECT_NE(r.out.find("An ensemble of 3 such networks"), std::string::npos) << r.out;

  r = hourglass_cli("export " + path + " --part scorer -o " + temp_path("ensemble.onnx"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("an ensemble of 3 networks"), std::string::npos) << r.err;
  r = hourglass_cli("train " + kIris + " --label Species --network 2 --epochs 1 --ensemble 0 --quiet -o " +
                    temp_path("e0.hgm"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("ensemble: expected 1 to 100 networks, got 0"), std::string::npos) << r.err;
  r = hourglass_cli("train " + kIris + " --label Species --epochs 1 --from " + path + " --quiet -o " +
                    temp_path("more.hgm"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("an ensemble trains in full at once"), std::string::npos) << r.err;
}

TEST(CliAnomaly, ScoreWritesTheLibrarysScoresOutliersAndLabels) {
  const std::string model_path = trained_detector("--threshold iqr:1.5");
  const Result r = hourglass_cli("score " + model_path + " " + kIris + " --label Species");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "score,outlier,Species");
  const Dataset table = parse_delimited(r.out, "scores", ReadOptions().label("Species"));
  const Model model = Model::load(model_path);
  const auto x = testing::iris().features;
  EXPECT_TRUE(torch::equal(table.features.select(1, 0), model.score(x)));
  EXPECT_TRUE(torch::equal(table.features.select(1, 1), model.is_outlier(x).to(torch::kFloat)));
  EXPECT_EQ(table.labels, testing::iris().labels);

  const Result shares = hourglass_cli("score " + model_path + " " + kIris + " --label Species --per-feature");
  ASSERT_EQ(shares.status, 0) << shares.err;
  const Dataset parts = parse_delimited(shares.out, "shares", ReadOptions().label("Species"));
  EXPECT_EQ(parts.columns, (std::vector<std::string>{"score", "outlier", "score_Sepal.Length", "score_Sepal.Width",
                                                     "score_Petal.Length", "score_Petal.Width"}));
  EXPECT_TRUE(torch::allclose(parts.features.narrow(1, 2, 4).sum(1), parts.features.select(1, 0), 1e-5, 1e-6));
}

TEST(CliAnomaly, ThresholdSetsEachRuleOnTheGivenData) {
  const std::string model_path = trained_detector();
  const auto scores = Model::load(model_path).score(testing::iris().features);
  const std::vector<std::pair<std::string, double>> rules = {
      {"--fpr 0.05", score_quantile(scores, 0.95)},
      {"--contamination 0.2", score_quantile(scores, 0.8)},
      {"--threshold iqr:1.5",
       score_quantile(scores, 0.75) + 1.5 * (score_quantile(scores, 0.75) - score_quantile(scores, 0.25))},
      {"--threshold 0.25", 0.25},
  };
  for (const auto& [flag, expected] : rules) {
    const std::string out = temp_path("t.hgm");
    const Result r = hourglass_cli("threshold " + model_path + " " + kIris + " --label Species " + flag + " -o " + out);
    ASSERT_EQ(r.status, 0) << flag << ": " << r.err;
    const Model model = Model::load(out);
    ASSERT_TRUE(model.threshold().has_value()) << flag;
    EXPECT_DOUBLE_EQ(model.threshold()->value, expected) << flag;
  }
}

TEST(CliAnomaly, EvaluateWithLabelsReportsAucApAndF1) {
  const std::string model_path = trained_detector("--contamination 0.1");
  const Model model = Model::load(model_path);
  const auto x = testing::iris().features;
  const auto scores = model.score(x);
  const auto truth = torch::cat({torch::ones({50}), torch::zeros({100})});  // setosa first
  const Confusion counts = confusion(model.is_outlier(x), truth);

  const Result named =
      hourglass_cli("evaluate " + model_path + " " + kIris + " --label Species --outlier-class setosa --json");
  const Result binary =
      hourglass_cli("evaluate " + model_path + " " + iris_with_binary_labels() + " --label Species --json");
  for (const Result& r : {named, binary}) {
    ASSERT_EQ(r.status, 0) << r.err;
    const auto values = nlohmann::json::parse(r.out);
    EXPECT_NEAR(values["auc_roc"].get<double>(), roc_auc(scores, truth), 1e-12);
    EXPECT_NEAR(values["average_precision"].get<double>(), average_precision(scores, truth), 1e-12);
    EXPECT_NEAR(values["f1"].get<double>(), counts.f1(), 1e-12);
    EXPECT_NEAR(values["recall"].get<double>(), counts.recall(), 1e-12);
    EXPECT_TRUE(values.contains("mse"));
  }
  // Species only set aside: no outlier metrics, as before.
  const Result plain = hourglass_cli("evaluate " + model_path + " " + kIris + " --label Species --json");
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_FALSE(nlohmann::json::parse(plain.out).contains("auc_roc"));
}

TEST(CliAnomaly, BadInputGivesOneLineAndStatusTwo) {
  const std::string model = trained_detector();
  const std::string out = temp_path("never.hgm");
  const std::string data = " " + kIris + " --label Species";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"threshold " + model + data + " -o " + out, "threshold needs a rule"},
      {"threshold " + model + data + " --contamination 0.9 -o " + out, "the contamination must be in (0, 0.5]"},
      {"threshold " + model + data + " --threshold foo:1 -o " + out, "unknown rule 'foo'"},
      {"threshold " + model + data + " --threshold mad:x -o " + out, "'x' is not a finite number"},
      {"threshold " + model + data + " --fpr 0.1 --contamination 0.1 -o " + out, "excludes"},
      {"threshold " + model + data + " --fpr 0.1 --score elbo -o " + out, "elbo score needs a variational model"},
      {"threshold " + model + data + " --threshold -1 -o " + out, "is below all 150 reconstruction scores"},
      {"threshold " + model + data + " --threshold 0 -o " + out, "and would flag every one"},
      {"threshold " + model + data + " --contamination 0.1 -o " + model, "is this command's input"},
      {"score " + model + data + " --score likelihood -o " + out, "valid: reconstruction, elbo"},
      {"score " + model + data + " --per-feature --score elbo -o " + out, "--per-feature splits the reconstruction"},
      {"score /no/model.hgm" + data + " -o " + out, "cannot read '/no/model.hgm'"},
      {"evaluate " + model + data + " --outlier-class daisy", "no row of column Species has that label"},
      {"evaluate " + model + " " + kIris + " --outlier-class setosa", "--outlier-class needs --label"},
      {"train" + data + " --network 2 --epochs 1 --threshold fpr:0.1 -o " + out, "needs held-out normal data"},
      {"train" + data + " --network 2 --epochs 1 --contamination 0 -o " + out, "contamination must be in (0, 0.5]"},
  };
  for (const auto& [arguments, message] : cases) {
    const Result r = hourglass_cli(arguments);
    EXPECT_EQ(r.status, 2) << arguments << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << arguments << ": " << r.err;
    EXPECT_EQ(r.err.rfind("hourglass: error: ", 0), 0u) << arguments << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << arguments << ": " << r.err;
    EXPECT_FALSE(exists(out)) << arguments;
  }
}

}  // namespace
}  // namespace hourglass
