#include <iostream>

#include "common.hpp"

namespace hourglass::cli {

void add_summary_command(CLI::App& app) {
  auto* command = app.add_subcommand("summary", "Print a network's layers and parameter counts");
  struct Flags {
    std::string model, network;
    int64_t input_dim = 0;
  };
  auto flags = std::make_shared<Flags>();
  auto* model = command->add_option("model", flags->model, "model file");
  auto* network = command->add_option("-n,--network", flags->network, "network spec (instead of a model)");
  auto* input_dim = command->add_option("--input-dim", flags->input_dim, "input width for --network");
  model->excludes(network);
  network->needs(input_dim);
  command->callback([flags] {
    if (!flags->model.empty()) {
      const Model loaded = Model::load(flags->model);
      std::cout << loaded.learner().to_string() << loaded.summary();
      return;
    }
    if (flags->network.empty()) {
      throw InvalidArgument("summary needs a MODEL file or --network SPEC --input-dim D");
    }
    if (flags->input_dim < 1) throw InvalidArgument("--input-dim must be at least 1");
    const Network net = parse_network(flags->network);
    net.validate();
    std::cout << net.summary(flags->input_dim);
  });
}

}  // namespace hourglass::cli
