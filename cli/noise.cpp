#include "hourglass/noise/noise.hpp"

#include <random>

#include "common.hpp"
#include "hourglass/runtime.hpp"

namespace hourglass::cli {

void add_noise_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "noise", "Write a corrupted copy of a data set (the noise a denoising autoencoder learns to remove)");
  struct Flags {
    DataFlags data;
    OutputFlag output;
    std::string noise;
    int64_t seed = -1;
  };
  auto flags = std::make_shared<Flags>();
  flags->data.add(*command, "data file: CSV/TSV (header detected), .npy or IDX (MNIST, .gz too)", true, kPlainData);
  command
      ->add_option("--noise", flags->noise, "TYPE[:PARAM]: zeros, ones, saltpepper (p), gaussian (sd), cauchy (scale)")
      ->required();
  command->add_option("--seed", flags->seed, "fixed seed: the same noise every run");
  flags->output.add(*command, "where to write the corrupted data");
  command->callback([flags] {
    const NoiseFilter filter = parse_noise(flags->noise);
    const Dataset data = flags->data.read();
    check_numeric(data, "noise");
    flags->output.check();
    init_runtime();
    torch::manual_seed(flags->seed >= 0 ? static_cast<uint64_t>(flags->seed) : std::random_device{}());
    flags->output.write(apply_noise(filter, data.features), data.columns, data);
  });
}

}  // namespace hourglass::cli
