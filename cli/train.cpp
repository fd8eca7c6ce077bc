#include <iostream>
#include <optional>

#include "common.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/model/anomaly.hpp"
#include "hourglass/model/history.hpp"
#include "hourglass/model/pca.hpp"
#include "hourglass/network/network.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/train/detector.hpp"
#include "hourglass/train/distributed.hpp"
#include "hourglass/train/option_specs.hpp"
#include "signals.hpp"

namespace hourglass::cli {

namespace {

struct Flags {
  DataFlags data;
  TrainFlags training;
  VariantFlags variants;
  ThresholdFlags threshold;
  ScoreFlags score;
  DistributedFlags distributed;
  std::string network, loss, model_path, from;
  const CLI::App* command = nullptr;
};

// Without --network, a threshold rule asks for the default anomaly detector
// (train/detector.hpp): its network from the data's columns, its options where the
// command line leaves them.
void use_default_detector(Flags& flags, const Dataset& data) {
  const int64_t values = data.rows() > 0 ? data.features.numel() / data.rows() : 0;
  const DetectorRecipe recipe = default_detector(values, data.rows());
  apply_detector_options(recipe, flags.training.options, flags.training.given(*flags.command));
  flags.network = recipe.network;
  if (flags.training.quiet) return;
  std::cerr << "The default detector for " << data.rows() << " rows of " << values << " columns: --network "
            << recipe.network;
  for (const auto& [name, value] : recipe.options)
    std::cerr << " --" << kebab(name) << ' ' << option_value_text(get_train_option(flags.training.options, name));
  std::cerr << '\n';
}

// Rank 0's part after training: the threshold when one is asked for, the model file and
// the comparison with PCA; a run stopped by a signal ends with its status once saved.
void save_trained(Model& model, const Dataset& data, Flags& flags, const StopSignals& signals) {
  const Dataset table = flags.data.conformed(model, data);
  if (flags.threshold.given()) {
    const ScoreOptions options = flags.score.resolve(model);
    flags.threshold.apply(model, model.score(table.features, options), options, flags.training.quiet);
  }
  model.save(flags.model_path);
  if (signals.received()) {
    std::cerr << "hourglass: interrupted by " << signals.name() << ": saved the model as learned so far ("
              << model.history().epochs.size() << " epochs) to " << flags.model_path << '\n';
    throw Interrupted{signals.exit_status()};
  }
  report_against_pca(model, table.features, flags.training);
  if (!flags.training.quiet) std::cerr << "Saved " << flags.model_path << '\n';
}

// Trains a new model, or more epochs of one, on this process or as the flags launch or
// join a group of them.
void run_training(Flags& flags) {
  const bool detector = flags.from.empty() && flags.network.empty();
  if (detector && !flags.threshold.given()) {
    throw InvalidArgument(
        "train needs --network SPEC (e.g. --network 64,16), a threshold (--contamination C) for the default "
        "anomaly detector, or --from MODEL to continue one");
  }
  if (!flags.from.empty() && flags.variants.given()) {
    throw InvalidArgument("--from takes the variants from the model; leave --type and its parameters out");
  }
  if (flags.threshold.given()) flags.threshold.resolve();  // a bad rule fails before training
  if (const auto status = flags.distributed.launch()) throw Interrupted{*status};
  const Dataset data = flags.data.read();
  check_output(flags.model_path);
  if (detector) use_default_detector(flags, data);
  // Built before the signals are taken over: Ctrl-C until training starts just quits.
  std::optional<Autoencoder> learner;
  std::optional<Model> start;
  if (flags.from.empty()) {
    learner = flags.variants.apply(autoencoder(parse_network(flags.network), flags.loss.empty() ? "mse" : flags.loss));
  } else {
    start = Model::load(flags.from);
  }
  const auto group = flags.distributed.join();
  flags.training.options.process_group(group);
  if (group && group->is_main() && !flags.training.quiet) {
    const int n = group->world_size();
    std::cerr << "Training on " << n << (n == 1 ? " process" : " processes") << " (c10d/Gloo): batches of "
              << flags.training.options.batch_size() << " rows per process, " << flags.training.options.batch_size() * n
              << " per step\n";
  }
  const StopSignals signals;  // until the model is saved
  Model model = learner ? flags.training.train(*learner, data) : flags.training.train_more(*start, data);
  if (group && !group->is_main()) {  // rank 0 writes the model and reports
    if (signals.received()) throw Interrupted{signals.exit_status()};
    return;
  }
  save_trained(model, data, flags, signals);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto* command = app.add_subcommand("train", "Train an autoencoder and save the model");
  auto flags = std::make_shared<Flags>();
  flags->data.add(*command);
  flags->command = command;
  auto* network = command->add_option("-n,--network", flags->network,
                                      "network spec, e.g. \"64,16\" or \"input() + dense(8, tanh) + output()\" "
                                      "(the layers: hourglass layers); without it, --contamination C (or "
                                      "--threshold RULE) trains the default anomaly detector, sized to the data");
  auto* loss = command->add_option(
      "--loss", flags->loss, "reconstruction loss (default mse): " + join(loss_names()) + "; robust uses correntropy");
  auto* from = command->add_option("--from", flags->from,
                                   "continue training this model for --epochs more (its network, loss, variants, "
                                   "scaler and optimizer state; the data must have its columns)");
  from->excludes(network)->excludes(loss);
  flags->variants.add(*command);
  flags->training.add(*command);
  flags->threshold.add(*command, /*with_fpr=*/false);
  flags->score.add(*command);
  flags->distributed.add(*command);
  command->add_option("-o,--output", flags->model_path, "model file to write (safetensors)")->required();
  command->callback([flags] { run_training(*flags); });
}

}  // namespace hourglass::cli
