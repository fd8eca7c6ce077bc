#include <iostream>

#include "common.hpp"

namespace hourglass::cli {

void add_score_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "score", "Anomaly score of each row (its reconstruction error), and whether it is above the model's threshold");
  struct Flags {
    ModelDataFlags io;
    ScoreFlags score;
    bool per_feature = false;
  };
  auto flags = std::make_shared<Flags>();
  flags->io.add(*command, "data file: CSV/TSV, .npy or IDX with the training data's columns",
                "where to write the scores");
  flags->score.add(*command);
  command->add_flag("--per-feature", flags->per_feature,
                    "add each feature's share of the score (score_<column>; the shares sum to the score)");
  command->callback([flags] {
    const Model model = load_model(flags->io.model);
    const Dataset data = flags->io.data.read();
    flags->io.output.check();
    const ScoreOptions options = flags->score.resolve(model);
    if (flags->per_feature && options.kind() != "reconstruction") {
      throw InvalidArgument("--per-feature splits the reconstruction score; drop --score " + options.kind());
    }
    const at::Tensor scores = model.score(data.features, options);
    std::vector<at::Tensor> columns{scores.unsqueeze(1)};
    std::vector<std::string> header{"score"};
    const auto& threshold = model.threshold();
    if (threshold && threshold->score == options.kind()) {
      columns.push_back((scores.to(torch::kDouble) > threshold->value).to(torch::kFloat).unsqueeze(1));
      header.emplace_back("outlier");
    } else if (threshold) {
      std::cerr << "hourglass: note: the model's threshold is for the " << threshold->score
                << " score, so there is no outlier column\n";
    }
    if (flags->per_feature) {
      columns.push_back(model.score_per_feature(data.features));
      for (const auto& name : data.columns) header.push_back("score_" + name);
    }
    flags->io.output.write(torch::cat(columns, 1), header, data);
  });
}

}  // namespace hourglass::cli
