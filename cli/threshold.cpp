#include "common.hpp"
#include "hourglass/model/anomaly.hpp"

namespace hourglass::cli {

void add_threshold_command(CLI::App& app) {
  auto* command =
      app.add_subcommand("threshold", "Set a model's anomaly threshold from data and save it as a new model");
  struct Flags {
    std::string model, output;
    DataFlags data;
    ScoreFlags score;
    ThresholdFlags threshold;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "model file")->required();
  flags->data.add(*command,
                  "rows whose scores set the threshold: the training data (--contamination, mad, iqr) or "
                  "held-out normal data (--fpr)",
                  /*required=*/true, kModelData);
  flags->score.add(*command);
  flags->threshold.add(*command, /*with_fpr=*/true);
  command->add_option("-o,--output", flags->output, "model file to write, with the threshold")->required();
  command->callback([flags] {
    if (!flags->threshold.given()) {
      throw InvalidArgument("threshold needs a rule: --contamination C, --fpr F or --threshold RULE (e.g. mad:3)");
    }
    flags->threshold.resolve();  // a bad rule fails before any work
    Model model = load_model(flags->model);
    const Dataset data = flags->data.read_for(model);
    check_output(flags->output);  // not the model: its threshold stays until the new file is there
    const ScoreOptions options = flags->score.resolve(model);
    flags->threshold.apply(model, model.score(data.features, options), options);
    model.save(flags->output);
  });
}

}  // namespace hourglass::cli
