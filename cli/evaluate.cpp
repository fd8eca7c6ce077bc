#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "hourglass/data/table_coding.hpp"
#include "hourglass/model/anomaly.hpp"

namespace hourglass::cli {
namespace {

// 1 for the rows labelled `outlier_class` (or "1" with labels all 0/1), 0 for the others;
// undefined when the labels are not about outliers (e.g. --label Species only set aside).
at::Tensor outlier_truth(const Dataset& data, const std::string& outlier_class) {
  if (data.labels.empty()) return {};
  const bool binary = std::all_of(data.labels.begin(), data.labels.end(),
                                  [](const std::string& label) { return label == "0" || label == "1"; });
  const std::string positive = outlier_class.empty() ? "1" : outlier_class;
  if (outlier_class.empty() && !binary) return {};
  std::vector<float> truth;
  for (const auto& label : data.labels) truth.push_back(label == positive ? 1.0f : 0.0f);
  if (std::find(data.labels.begin(), data.labels.end(), positive) == data.labels.end()) {
    throw InvalidArgument("--outlier-class '" + positive + "': no row of column " + data.label_name +
                          " has that label; give one of its labels");
  }
  return torch::tensor(truth);
}

}  // namespace

void add_evaluate_command(CLI::App& app) {
  auto* command = app.add_subcommand("evaluate", "Reconstruction metrics of a model on data");
  struct Flags {
    std::string model, metrics;
    DataFlags data;
    ScoreFlags score;
    std::string outlier_class;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "model file")->required();
  flags->data.add(*command, "data file: CSV/TSV, .npy or IDX shaped like the training data", true, kModelData);
  command->add_option("--metric,--metrics", flags->metrics,
                      "comma-separated: loss, mse (default; loss for a table of categories alone), mae, bce, "
                      "binary_accuracy; on a table, mse and the others compare its present numeric cells");
  command->add_flag("--json", flags->json, "print one JSON object");
  flags->score.add(*command);
  command->add_option("--outlier-class", flags->outlier_class,
                      "with --label: the label of outliers; labels 0/1 need none (1 = outlier). Adds auc_roc, "
                      "average_precision and, when the model has a threshold, f1, precision and recall at it");
  command->callback([flags] {
    if (!flags->outlier_class.empty() && flags->data.label.empty()) {
      throw InvalidArgument("--outlier-class needs --label COLUMN, the column that holds the class");
    }
    const Model model = load_model(flags->model);
    const Dataset data = flags->data.read_for(model);
    const TableLayout& layout = model.coding().layout();
    const bool all_categorical = layout.columns > 0 && layout.numeric_columns.empty();
    const std::string metrics = !flags->metrics.empty() ? flags->metrics : all_categorical ? "loss" : "mse";
    auto values = model.evaluate(data.features, split_list(metrics));
    const auto truth = outlier_truth(data, flags->outlier_class);
    if (truth.defined()) {
      const ScoreOptions options = flags->score.resolve(model);
      const auto scores = model.score(data.features, options);
      values["auc_roc"] = roc_auc(scores, truth);
      values["average_precision"] = average_precision(scores, truth);
      const auto& threshold = model.threshold();
      if (threshold && threshold->score == options.kind()) {
        const Confusion counts = confusion(scores.to(torch::kDouble) > threshold->value, truth);
        values["f1"] = counts.f1();
        values["precision"] = counts.precision();
        values["recall"] = counts.recall();
      }
    }
    if (flags->json) {
      std::cout << nlohmann::json(values).dump() << '\n';
    } else {
      for (const auto& [name, value] : values) std::cout << name << ": " << value << '\n';
    }
  });
}

}  // namespace hourglass::cli
