#include <random>

#include "common.hpp"
#include "hourglass/data/table_coding.hpp"

namespace hourglass::cli {

void add_generate_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "generate", "Decode a grid of latent points (or draws from the prior) of a variational or adversarial model");
  struct Flags {
    std::string model, dimensions = "1,2";
    int64_t side = 10, samples = 0, seed = -1;
    double from = 0.05, to = 0.95, fixed = 0.5;
    OutputFlag output;
    PngFlag png;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "variational or adversarial model file")->required();
  command->add_option("--dimensions", flags->dimensions, "latent units to vary, 1-based (default 1,2)");
  command->add_option("--side", flags->side, "values per varied unit (default 10)");
  command->add_option("--from", flags->from, "lowest probability of the grid (default 0.05)");
  command->add_option("--to", flags->to, "highest probability of the grid (default 0.95)");
  command->add_option("--fixed", flags->fixed, "probability every other unit is held at (default 0.5: the mean)");
  command->add_option("--samples", flags->samples,
                      "instead of a grid, decode N draws from the prior (a variational model's is N(0, I))");
  command->add_option("--seed", flags->seed, "with --samples: fixed seed, the same draws every run");
  flags->output.add(*command, "where to write the generated rows");
  flags->png.add(*command,
                 "picture of the generated images, a row per value of the second unit "
                 "(without --output, no CSV is written)");
  command->callback([flags] {
    const Model model = load_model(flags->model);
    flags->output.check();
    flags->png.check();
    at::Tensor generated;
    int64_t columns = flags->side;
    if (flags->samples > 0) {
      torch::manual_seed(flags->seed >= 0 ? static_cast<uint64_t>(flags->seed) : std::random_device{}());
      generated = model.sample(flags->samples);
      columns = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(flags->samples)))));
    } else {
      std::vector<int64_t> dimensions;
      for (const auto& item : split_list(flags->dimensions)) {
        try {
          dimensions.push_back(std::stoll(item));
        } catch (const std::exception&) {
          throw InvalidArgument("--dimensions: expected 1-based unit numbers such as 1,2, got '" + flags->dimensions +
                                "'");
        }
      }
      generated = model.generate(dimensions, flags->from, flags->to, flags->side, flags->fixed);
    }
    if (flags->png.given()) flags->png.write(image_grid(generated, columns));
    if (!flags->png.given() || !flags->output.path.empty()) {
      flags->output.write(generated, data_columns(model), Dataset{}, model.coding().levels());
    }
  });
}

}  // namespace hourglass::cli
