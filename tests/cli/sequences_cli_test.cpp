// Sequences on the command line: a long table cut into windows for train, score and
// reconstruct, with the per-row results checked against the library's windows.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "hourglass/hourglass.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using namespace hourglass::testing;  // NOLINT: the helpers every test here uses

constexpr int64_t kRows = 90;

// Two sensors over 90 time steps, with a burst at steps 60-63.
std::string series_csv() {
  std::ostringstream text;
  text << "pressure,flow\n";
  for (int64_t t = 0; t < kRows; ++t) {
    const double burst = t >= 60 && t < 64 ? 3.0 : 0.0;
    text << std::sin(0.3 * static_cast<double>(t)) + burst << ',' << std::cos(0.3 * static_cast<double>(t)) << '\n';
  }
  return write_text("series.csv", text.str());
}

const std::string kNetwork = "'input() + lstm(6) + repeat_vector(12) + lstm(6, return_sequences=TRUE) + output()'";

std::string trained_on_windows(const std::string& csv) {
  const std::string path = temp_path("windows.hgm");
  const Result r = hourglass_cli("train " + csv + " --window 12 --stride 3 --network " + kNetwork +
                                 " --epochs 3 --seed 1 --quiet --no-baseline --contamination 0.1 -o " + path);
  EXPECT_EQ(r.status, 0) << r.err;
  return path;
}

// The CSV's numbers, row by row, without its header.
torch::Tensor numbers(const std::string& csv_text) { return parse_delimited(csv_text, "output").features; }

TEST(CliSequences, TrainScoreAndReconstructOnWindowsOfALongTable) {
  const std::string csv = series_csv();
  const std::string model_path = trained_on_windows(csv);
  const Model model = Model::load(model_path);
  EXPECT_EQ(model.sample_shape(), (Shape{2, 12}));
  const Dataset table = read_data(csv);
  const Windowing windowing(12, 3);
  const Dataset windows = windowing.cut(table);
  ASSERT_EQ(windows.rows(), 27);  // starts 0, 3, ..., 78

  const Result scored = hourglass_cli("score " + model_path + " " + csv + " --window 12 --stride 3 --window-scores " +
                                      temp_path("windows.csv"));
  ASSERT_EQ(scored.status, 0) << scored.err;
  const auto per_row = numbers(scored.out);
  ASSERT_EQ(per_row.size(0), kRows);
  const auto window_scores = model.score(windows.features);
  EXPECT_TRUE(torch::allclose(per_row.select(1, 0).to(torch::kDouble),
                              windowing.per_row(window_scores, kRows).to(torch::kDouble), 1e-5, 1e-6));
  // A row is an outlier when its score is above the threshold set on the windows.
  EXPECT_TRUE(torch::equal(per_row.select(1, 1),
                           (per_row.select(1, 0).to(torch::kDouble) > model.threshold()->value).to(torch::kFloat)));
  const auto by_window = numbers(slurp(temp_path("windows.csv")));
  ASSERT_EQ(by_window.sizes(), (std::vector<int64_t>{27, 4}));  // first_row, last_row, score, outlier
  EXPECT_EQ(by_window[1][0].item<float>(), 4.0f);
  EXPECT_EQ(by_window[1][1].item<float>(), 15.0f);
  EXPECT_TRUE(torch::allclose(by_window.select(1, 2), window_scores.to(torch::kFloat), 1e-5, 1e-6));

  const Result rebuilt = hourglass_cli("reconstruct " + model_path + " " + csv + " --window 12 --stride 3");
  ASSERT_EQ(rebuilt.status, 0) << rebuilt.err;
  EXPECT_EQ(rebuilt.out.substr(0, rebuilt.out.find('\n')), "pressure,flow");
  const auto expected = windowing.overlap_average(model.reconstruct(windows.features), kRows);
  EXPECT_TRUE(torch::allclose(numbers(rebuilt.out), expected, 1e-4, 1e-5));

  // encode gives one code per window.
  const Result codes = hourglass_cli("encode " + model_path + " " + csv + " --window 12 --stride 3");
  ASSERT_EQ(codes.status, 0) << codes.err;
  EXPECT_EQ(numbers(codes.out).sizes(), (std::vector<int64_t>{27, 6}));
}

TEST(CliSequences, BadWindowRequestsGiveOneLineAndStatusTwo) {
  const std::string csv = series_csv();
  const std::string model_path = trained_on_windows(csv);
  const auto refused = [](const std::string& arguments, const std::string& message) {
    const Result r = hourglass_cli(arguments);
    EXPECT_EQ(r.status, 2) << arguments << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << arguments << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  };
  refused("score " + model_path + " " + csv + " --window 200", "the data has only 90 rows");
  refused("score " + model_path + " " + csv + " --stride 2", "--stride requires --window");
  refused("score " + model_path + " " + csv + " --window 0", "--window");
  refused("score " + model_path + " " + csv + " --window 12 --per-feature", "drop one of them");
  refused("score " + model_path + " " + csv + " --window-scores " + temp_path("w.csv"),
          "--window-scores needs --window");
  refused("reconstruct " + model_path + " " + csv + " --window 12 --png " + temp_path("r.png"),
          "drop it with --window");
  // The model reads windows of 12 rows: other windows do not fit it.
  refused("score " + model_path + " " + csv + " --window 10", "12");
}

}  // namespace
}  // namespace hourglass
