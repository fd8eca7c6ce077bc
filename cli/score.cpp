#include <iostream>

#include "common.hpp"
#include "hourglass/model/anomaly.hpp"

namespace hourglass::cli {

namespace {

struct Flags {
  ModelDataFlags io;
  ScoreFlags score;
  bool per_feature = false;
  OutputFlag window_scores;
};

// Writes each row's score (or each window's and, per row, their mean) as the flags say.
void write_scores(Flags& flags) {
  const Model model = load_model(flags.io.model);
  const auto windowing = flags.io.data.windowing();
  const Dataset table = flags.io.data.read_table_for(model);
  const Dataset data = windowing ? windowing->cut(table) : table;
  flags.io.output.check();
  flags.window_scores.check();
  const ScoreOptions options = flags.score.resolve(model);
  if (flags.per_feature && options.kind() != "reconstruction") {
    throw InvalidArgument("--per-feature splits the reconstruction score; drop --score " + options.kind());
  }
  if (windowing && flags.per_feature) {
    throw InvalidArgument("--per-feature splits a row's score by column, which windows share; drop one of them");
  }
  if (!windowing && !flags.window_scores.path.empty()) throw InvalidArgument("--window-scores needs --window");
  const auto& threshold = model.threshold();
  const bool flags_outliers = threshold && threshold->score == options.kind();
  if (threshold && !flags_outliers) {
    std::cerr << "hourglass: note: the model's threshold is for the " << threshold->score
              << " score, so there is no outlier column\n";
  }
  // Scores (and outlier flags against the model's threshold) as columns.
  const auto scored = [&](const at::Tensor& scores, std::vector<at::Tensor> columns, std::vector<std::string> header) {
    columns.push_back(scores.to(torch::kFloat).unsqueeze(1));
    header.emplace_back("score");
    if (flags_outliers) {
      columns.push_back((scores.to(torch::kDouble) > threshold->value).to(torch::kFloat).unsqueeze(1));
      header.emplace_back("outlier");
    }
    return std::make_pair(torch::cat(columns, 1), header);
  };
  const at::Tensor scores = model.score(data.features, options);
  if (windowing) {  // a row's score is the mean over the windows that cover it
    if (!flags.window_scores.path.empty()) {
      const auto first = torch::tensor(windowing->starts(table.rows()), torch::kFloat).unsqueeze(1) + 1;
      const auto [values, header] =
          scored(scores, {first, first + (windowing->length() - 1)}, {"first_row", "last_row"});
      flags.window_scores.write(values, header, data);
    }
    const auto [values, header] = scored(windowing->per_row(scores, table.rows()), {}, {});
    flags.io.output.write(values, header, table);
    return;
  }
  auto [values, header] = scored(scores, {}, {});
  if (flags.per_feature) {
    values = torch::cat({values, model.score_per_feature(data.features)}, 1);
    for (const auto& name : data.columns) header.push_back("score_" + name);
  }
  flags.io.output.write(values, header, data);
}

}  // namespace

void add_score_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "score", "Anomaly score of each row (its reconstruction error), and whether it is above the model's threshold");
  auto flags = std::make_shared<Flags>();
  flags->io.add(*command, "data file: CSV/TSV, .npy or IDX with the training data's columns",
                "where to write the scores");
  flags->score.add(*command);
  command->add_flag("--per-feature", flags->per_feature,
                    "add each feature's share of the score (score_<column>; the shares sum to the score)");
  command->add_option("--window-scores", flags->window_scores.path,
                      "with --window: also write each window's score (first_row, last_row, score, outlier) here");
  command->callback([flags] { write_scores(*flags); });
}

}  // namespace hourglass::cli
