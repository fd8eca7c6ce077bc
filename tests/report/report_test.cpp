#include "hourglass/report/report.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "hourglass/hourglass.hpp"
#include "report/html.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using nlohmann::json;
using testing::iris;

// The JSON a page embeds.
json embedded_data(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"hourglass-report-data\">";
  const size_t start = page.find(open);
  if (start == std::string::npos) throw std::runtime_error("no report data in the page");
  const size_t first = start + open.size();
  return json::parse(page.substr(first, page.find("</script>", first) - first));
}

const json& chart(const json& data, const std::string& id) {
  for (const auto& c : data["charts"]) {
    if (c["id"] == id) return c;
  }
  throw std::runtime_error("no chart " + id);
}

// A small iris model, trained once for every test here.
const Model& iris_model() {
  static const Model model = train(
      autoencoder("3,2:tanh"), iris().features,
      TrainOptions().epochs(6).optimizer("adam").learning_rate(0.01).scale("zscore").validation_split(0.2).seed(7));
  return model;
}

TEST(Html, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(html::base64(""), "");
  EXPECT_EQ(html::base64("f"), "Zg==");
  EXPECT_EQ(html::base64("fo"), "Zm8=");
  EXPECT_EQ(html::base64("foo"), "Zm9v");
  EXPECT_EQ(html::base64("foob"), "Zm9vYg==");
  EXPECT_EQ(html::base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(html::base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(html::base64(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(Html, EscapesTextAndKeepsJsonInsideItsScript) {
  EXPECT_EQ(html::escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  const std::string json_text = json{{"name", "</script><script>alert(1)</script>"}}.dump();
  const std::string safe = html::json_in_script(json_text);
  EXPECT_EQ(safe.find('<'), std::string::npos);
  EXPECT_EQ(json::parse(safe)["name"], "</script><script>alert(1)</script>");
}

TEST(Report, HistoryChartsHoldEveryEpochOfEveryColumn) {
  const Model& model = iris_model();
  const json data = json::parse(report_data(model));
  const json& loss = chart(data, "history-loss");
  ASSERT_EQ(loss["values"].size(), 12u);  // 6 epochs, training and validation
  EXPECT_EQ(loss["series"], 2);
  for (const auto& value : loss["values"]) {
    const auto& epoch = model.history().epochs.at(value["epoch"].get<int64_t>() - 1);
    EXPECT_DOUBLE_EQ(value["value"].get<double>(), epoch.value(value["set"] == "training" ? "loss" : "val_loss"));
  }
  EXPECT_TRUE(data["data"].is_null());
  EXPECT_EQ(data["model"]["parameters"], model.parameter_count());
}

TEST(Report, ErrorsAreEachRowsLossOnTheScaledData) {
  const Model& model = iris_model();
  const Dataset data = iris();
  // Independently: reconstruct in data units, scale both, mean squared error per row.
  const auto& scaler = model.scaler();
  const auto expected = (scaler.transform(model.reconstruct(data.features)) - scaler.transform(data.features))
                            .square()
                            .mean(1)
                            .to(torch::kDouble);
  const auto errors = reconstruction_errors(model, data.features).to(torch::kDouble);
  ASSERT_EQ(errors.size(0), 150);
  EXPECT_TRUE(torch::allclose(errors, expected, 1e-5, 1e-6));

  const json report = json::parse(report_data(model, data, ReportOptions().bins(10).threshold(0.5)));
  const json& histogram = chart(report, "errors");
  ASSERT_EQ(histogram["values"].size(), 10u);
  int64_t total = 0;
  for (const auto& bin : histogram["values"]) total += bin["count"].get<int64_t>();
  EXPECT_EQ(total, 150);
  EXPECT_NEAR(histogram["values"][0]["start"].get<double>(), expected.min().item<double>(), 1e-6);
  EXPECT_NEAR(histogram["values"][9]["end"].get<double>(), expected.max().item<double>(), 1e-6);
  EXPECT_NEAR(histogram["mean"].get<double>(), expected.mean().item<double>(), 1e-6);
  EXPECT_EQ(histogram["threshold"], 0.5);
  EXPECT_EQ(histogram["above_threshold"], (expected > 0.5).sum().item<int64_t>());
}

TEST(Report, AnEnsemblesErrorsAreItsScoresAndItsFeaturesItsMeanReconstruction) {
  const Dataset data = iris();
  const Model ensemble =
      train(autoencoder("3,2:tanh"), data.features, TrainOptions().epochs(3).scale("zscore").ensemble(3).seed(2));
  const auto scores = ensemble.score(data.features).to(torch::kDouble);
  EXPECT_TRUE(torch::allclose(reconstruction_errors(ensemble, data.features).to(torch::kDouble), scores, 1e-5, 1e-7));
  const json report = json::parse(report_data(ensemble, data, ReportOptions().bins(10)));
  EXPECT_NEAR(chart(report, "errors")["mean"].get<double>(), scores.mean().item<double>(), 1e-6);
  const auto& scaler = ensemble.scaler();
  const auto scaled = scaler.transform(data.features).to(torch::kDouble);
  const auto ours =
      (scaler.transform(ensemble.reconstruct(data.features)).to(torch::kDouble) - scaled).square().mean(0);
  const json& features = chart(report, "features");
  for (int64_t j = 0; j < 4; ++j) {
    EXPECT_NEAR(features["values"][2 * j]["value"].get<double>(), ours[j].item<double>(), 1e-5);
  }
}

TEST(Report, CodesFeaturesAndBaselineMatchTheirFormulas) {
  const Model& model = iris_model();
  const Dataset data = iris();
  const json report = json::parse(report_data(model, data));

  const json& codes = chart(report, "codes");
  const auto encoded = model.encode(data.features).to(torch::kDouble);
  ASSERT_EQ(codes["values"].size(), 150u);
  EXPECT_EQ(codes["color"], "Species");
  EXPECT_EQ(codes["color_type"], "nominal");
  for (int64_t row : {0, 77, 149}) {
    EXPECT_NEAR(codes["values"][row]["x"].get<double>(), encoded[row][0].item<double>(), 1e-6);
    EXPECT_NEAR(codes["values"][row]["y"].get<double>(), encoded[row][1].item<double>(), 1e-6);
    EXPECT_EQ(codes["values"][row]["label"], data.labels[row]);
  }

  // Per feature, on the zscore scale: the autoencoder's and PCA's (k = 2) mean squared error.
  const auto& scaler = model.scaler();
  const auto scaled = scaler.transform(data.features).to(torch::kDouble);
  const auto ours = (scaler.transform(model.reconstruct(data.features)).to(torch::kDouble) - scaled).square().mean(0);
  const auto theirs = (pca(scaled, 2).reconstruct(scaled) - scaled).square().mean(0);
  const json& features = chart(report, "features");
  ASSERT_EQ(features["values"].size(), 8u);
  for (int64_t j = 0; j < 4; ++j) {
    EXPECT_EQ(features["values"][2 * j]["feature"], data.columns[j]);
    EXPECT_NEAR(features["values"][2 * j]["value"].get<double>(), ours[j].item<double>(), 1e-5);
    EXPECT_NEAR(features["values"][2 * j + 1]["value"].get<double>(), theirs[j].item<double>(), 1e-5);
  }

  // As the CLI's comparison: both errors in data units, PCA under the model's scaler.
  const json& baseline = report["baseline"];
  EXPECT_EQ(baseline["k"], 2);
  EXPECT_NEAR(baseline["autoencoder"].get<double>(), model.evaluate(data.features, {"mse"}).at("mse"), 1e-6);
  const auto pca_back =
      scaler.inverse_transform(pca(scaler.transform(data.features), 2).reconstruct(scaler.transform(data.features)));
  EXPECT_NEAR(baseline["pca"].get<double>(), (pca_back - data.features).square().mean().item<double>(), 1e-6);
}

TEST(Report, NumbersWithHolesReportTheirScoresAndMaskedSharesAndPcasUnderTheSameMask) {
  auto x = testing::low_rank_data(120, 5, 2, 8);
  torch::manual_seed(9);
  const auto holes = torch::rand({120, 5}) < 0.1;
  x = x.masked_fill(holes, NAN);
  const Model model = train(autoencoder("4,2"), x, TrainOptions().epochs(5).scale("zscore").seed(3));
  Dataset data;
  data.features = x;
  data.columns = numbered_columns("V", 5);
  const json report = json::parse(report_data(model, data, ReportOptions().bins(10)));
  // Independently: errors on the present cells of the scaled data, over their count.
  const auto& scaler = model.scaler();
  const auto present = holes.logical_not().to(torch::kDouble);
  const auto scaled = scaler.transform(x).to(torch::kDouble).nan_to_num(0);
  const auto filled = scaler.transform(x.nan_to_num(0) + holes * model.coding().mean().unsqueeze(0));
  const auto back = scaler.transform(model.reconstruct(x)).to(torch::kDouble);
  const auto counts = present.sum(1, /*keepdim=*/true);
  const auto ours = (back - scaled).square() * present / counts;
  EXPECT_NEAR(chart(report, "errors")["mean"].get<double>(), ours.sum(1).mean().item<double>(), 1e-5);
  const auto pca_back = pca(filled.to(torch::kDouble), 2).reconstruct(filled.to(torch::kDouble));
  const auto theirs = (pca_back - scaled).square() * present / counts;
  const json& features = chart(report, "features");
  for (int64_t j = 0; j < 5; ++j) {
    EXPECT_NEAR(features["values"][2 * j]["value"].get<double>(), ours.select(1, j).mean().item<double>(), 1e-5);
    EXPECT_NEAR(features["values"][2 * j + 1]["value"].get<double>(), theirs.select(1, j).mean().item<double>(), 1e-5);
  }
  // The baseline as `hourglass train` prints it: squared errors over the present cells, in
  // the data's units.
  const auto data_mse = [&](const at::Tensor& back) {
    const auto errors = (back.to(torch::kDouble) - x.to(torch::kDouble)).square();
    return torch::where(holes, 0.0, errors).sum().item<double>() / present.sum().item<double>();
  };
  const json& baseline = report["baseline"];
  EXPECT_EQ(baseline["measure"], "reconstruction MSE (present numeric cells, data units)");
  EXPECT_NEAR(baseline["autoencoder"].get<double>(), data_mse(model.reconstruct(x)), 1e-5);
  EXPECT_NEAR(baseline["pca"].get<double>(), data_mse(scaler.inverse_transform(pca_back.to(torch::kFloat))), 1e-5);
  ASSERT_EQ(baseline["measures"].size(), 1u);
}

TEST(Report, ATableWithCategoriesReportsItsScoresInTheModelsLevels) {
  std::string csv = "colour,size,weight\n";
  const char* colours[] = {"red", "green", "blue"};
  for (int r = 0; r < 90; ++r) {
    csv += std::string(r % 10 == 3 ? "NA" : colours[r % 3]) + "," + std::to_string(r % 3) + "," +
           std::to_string(10 * (r % 3) + r % 2) + "\n";
  }
  const Dataset table = parse_delimited(csv, "t.csv");
  const Model model = train(autoencoder("4,2:tanh"), table, TrainOptions().epochs(5).scale("zscore").seed(4));
  // Read alone, later rows have levels of their own: the report puts them in the model's.
  const Dataset later = parse_delimited("colour,size,weight\nred,0,1\nblue,2,21\n", "later.csv");
  const json report = json::parse(report_data(model, later));
  const auto rows = model.coding().conform(later);
  const auto scores = model.score(rows).to(torch::kDouble);
  EXPECT_NEAR(chart(report, "errors")["mean"].get<double>(), scores.mean().item<double>(), 1e-6);
  const auto shares = model.score_per_feature(rows).to(torch::kDouble).mean(0);
  const json& features = chart(report, "features");
  ASSERT_EQ(features["values"].size(), 6u);
  EXPECT_EQ(features["values"][0]["feature"], "colour");
  EXPECT_NEAR(features["values"][0]["value"].get<double>(), shares[0].item<double>(), 1e-6);
  EXPECT_TRUE(torch::allclose(reconstruction_errors(model, rows).to(torch::kDouble), scores, 1e-6, 1e-7));
  const std::string page = render_report(model, table);
  // The baseline is train's comparison: numbers in data units, then the categories' share.
  EXPECT_NE(page.find("<td>reconstruction MSE (present numeric cells, data units)</td>"), std::string::npos);
  EXPECT_NE(page.find("<td>categorical cells reconstructed (share)</td>"), std::string::npos);
  const PcaComparison c = compare_with_pca(model, rows);
  const json& measures = report["baseline"]["measures"];
  ASSERT_EQ(measures.size(), 2u);
  EXPECT_DOUBLE_EQ(measures[0]["autoencoder"].get<double>(), *c.mse);
  EXPECT_DOUBLE_EQ(measures[1]["pca"].get<double>(), *c.pca_accuracy);
  EXPECT_EQ(measures[1]["better"], "higher");
}

TEST(Report, TheModelsOwnThresholdIsDrawnWhenNoneIsGiven) {
  const Dataset data = iris();
  Model model = train(autoencoder("2"), data.features, TrainOptions().epochs(3).seed(1));
  const auto scores = model.score(data.features);
  Threshold threshold;
  threshold.value = score_quantile(scores, 0.9);
  threshold.rule = "contamination:0.1";
  threshold.rows = 150;
  model.set_threshold(threshold);
  const json report = json::parse(report_data(model, data));
  EXPECT_DOUBLE_EQ(chart(report, "errors")["threshold"].get<double>(), threshold.value);
  EXPECT_EQ(chart(report, "errors")["above_threshold"].get<int64_t>(),
            (scores > threshold.value).sum().item<int64_t>());
  // One given wins over the model's.
  const json given = json::parse(report_data(model, data, ReportOptions().threshold(0.5)));
  EXPECT_DOUBLE_EQ(chart(given, "errors")["threshold"].get<double>(), 0.5);
}

TEST(Report, WideCodesAreShownInTheirFirstTwoPrincipalComponents) {
  const Dataset data = iris();
  const Model model = train(autoencoder("3:tanh"), data.features, TrainOptions().epochs(2).scale("zscore").seed(3));
  ASSERT_EQ(model.code_dim(), 3);
  const json report = json::parse(report_data(model, data, ReportOptions().max_points(50)));
  const json& codes = chart(report, "codes");
  ASSERT_EQ(codes["values"].size(), 50u);  // evenly spaced rows 1, 4, ..., 150
  EXPECT_TRUE(codes["sampled"].get<bool>());
  EXPECT_EQ(codes["values"][0]["row"], 1);
  EXPECT_EQ(codes["values"][49]["row"], 150);
  EXPECT_NE(codes["x_title"].get<std::string>().find("PC1"), std::string::npos);
  const auto rows = torch::linspace(0, 149, 50, torch::kDouble).floor().to(torch::kLong);
  const auto encoded = model.encode(data.features.index_select(0, rows)).to(torch::kDouble);
  const auto projected = Pca::fit(encoded, 2).encode(encoded);
  for (int64_t i : {0, 25, 49}) {
    EXPECT_NEAR(codes["values"][i]["x"].get<double>(), projected[i][0].item<double>(), 1e-6);
    EXPECT_NEAR(codes["values"][i]["y"].get<double>(), projected[i][1].item<double>(), 1e-6);
  }
}

TEST(Report, PageIsSelfContainedWithImagesForImageModels) {
  // 8x8 images of bars, a small variational model.
  const auto images = torch::zeros({40, 1, 8, 8});
  for (int64_t i = 0; i < 40; ++i) images[i][0].select(i % 2, i % 8).fill_(1.0);
  Dataset data;
  data.features = images.reshape({40, 64});
  data.sample_shape = {1, 8, 8};
  const Model model = train(autoencoder_variational(parse_network("16,2:relu:sigmoid"), "bce"), data.samples(),
                            TrainOptions().epochs(2).seed(1));
  const std::string page = render_report(model, data, ReportOptions().title("Bars <&>").examples(5));

  EXPECT_NE(page.find("<title>Bars &lt;&amp;&gt;</title>"), std::string::npos);
  EXPECT_EQ(page.find("src=\"http"), std::string::npos);  // nothing to fetch
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_NE(page.find("vegaEmbed"), std::string::npos);
  // Two pictures: examples and generated, each a PNG in a data: URL.
  size_t pictures = 0;
  for (size_t at = page.find("src=\"data:image/png;base64,"); at != std::string::npos;
       at = page.find("src=\"data:image/png;base64,", at + 1)) {
    ++pictures;
    EXPECT_EQ(page.substr(at + 27, 8), html::base64("\x89PNG\r\n").substr(0, 8));
  }
  EXPECT_EQ(pictures, 2u);
  EXPECT_NE(page.find("<section id=\"generated\">"), std::string::npos);
  // The numbers parse back out of the page.
  const json embedded = embedded_data(page);
  EXPECT_EQ(embedded["title"], "Bars <&>");
  EXPECT_EQ(embedded["data"]["rows"], 40);
  EXPECT_TRUE(embedded["model"]["variational"].get<bool>());
}

TEST(Report, DataOfAnotherWidthIsRefused) {
  Dataset narrow;
  narrow.features = torch::zeros({5, 3});
  const auto message = testing::error_of<InvalidArgument>([&] { report_data(iris_model(), narrow); });
  EXPECT_NE(message.find("4 values"), std::string::npos) << message;
  EXPECT_NE(message.find("has 3 values a row"), std::string::npos) << message;
}

TEST(Report, WriteReportWritesThePageAtomically) {
  const std::string path = testing::temp_path("report.html");
  write_report(path, iris_model(), iris());
  const std::string page = read_file(path);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("</html>"), std::string::npos);
  EXPECT_THROW(write_report("/no/such/folder/report.html", iris_model()), Error);
}

TEST(ReportCli, WritesTheModelsPageOnTheDataWithItsThreshold) {
  const std::string model_path = testing::temp_path("report-cli.hgm"), page = testing::temp_path("report-cli.html");
  iris_model().save(model_path);
  const std::string iris_path = std::string(HOURGLASS_SOURCE_DIR) + "/data/iris.csv";
  const testing::Result written = testing::hourglass_cli("report " + model_path + " " + iris_path +
                                                         " --label Species --threshold 0.25 --title Iris -o " + page);
  ASSERT_EQ(written.status, 0) << written.err;
  const json data = embedded_data(read_file(page));
  EXPECT_EQ(data["title"], "Iris");
  EXPECT_EQ(data["data"]["rows"], 150);
  EXPECT_EQ(data["data"]["label"], "Species");
  const auto errors = reconstruction_errors(iris_model(), iris().features);
  EXPECT_EQ(chart(data, "errors")["above_threshold"], (errors > 0.25).sum().item<int64_t>());
  EXPECT_EQ(chart(data, "history-loss")["values"].size(), 12u);

  // Data of another width: one line, status 2, no page.
  const std::string refused = testing::temp_path("report-cli-refused.html");
  std::remove(refused.c_str());
  const std::string narrow = testing::temp_path("narrow.csv");
  write_file_atomically(narrow, "a,b,c\n1,2,3\n4,5,6\n");
  const testing::Result wrong = testing::hourglass_cli("report " + model_path + " " + narrow + " -o " + refused);
  EXPECT_EQ(wrong.status, 2);
  EXPECT_EQ(std::count(wrong.err.begin(), wrong.err.end(), '\n'), 1) << wrong.err;
  EXPECT_NE(wrong.err.find("has 3 values a row"), std::string::npos) << wrong.err;
  EXPECT_THROW(read_file(refused), Error);
}

}  // namespace
}  // namespace hourglass
