#include <iostream>

#include "common.hpp"

namespace hourglass::cli {

void add_train_command(CLI::App& app) {
  auto* command = app.add_subcommand("train", "Train an autoencoder and save the model");
  struct Flags {
    DataFlags data;
    TrainFlags training;
    VariantFlags variants;
    std::string network, loss = "mse", model_path;
  };
  auto flags = std::make_shared<Flags>();
  flags->data.add(*command);
  command->add_option("-n,--network", flags->network,
                      "network spec, e.g. \"64,16\" or \"input() + dense(8, tanh) + output()\"")
      ->required();
  command->add_option("--loss", flags->loss, "mse (default), mae, bce; robust uses correntropy");
  flags->variants.add(*command);
  flags->training.add(*command);
  command->add_option("-o,--output", flags->model_path, "model file to write (safetensors)")->required();
  command->callback([flags] {
    const Autoencoder learner = flags->variants.apply(autoencoder(parse_network(flags->network), flags->loss));
    const Dataset data = flags->data.read();
    const TrainOptions options = flags->training.resolve();
    check_writable(flags->model_path);
    bool interrupted = false;
    const Model model = train_interruptibly(learner, data.samples(), options, interrupted);
    model.save(flags->model_path);
    if (interrupted) {
      std::cerr << "hourglass: interrupted: saved the model as learned so far (" << model.history().epochs.size()
                << " epochs) to " << flags->model_path << '\n';
      throw Interrupted{};
    }
    if (options.verbose()) {
      report_against_pca(model, data.features);
      std::cerr << "Saved " << flags->model_path << '\n';
    }
  });
}

}  // namespace hourglass::cli
