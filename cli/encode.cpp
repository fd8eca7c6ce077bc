#include <random>

#include "common.hpp"

namespace hourglass::cli {

void add_encode_command(CLI::App& app) {
  auto* command = app.add_subcommand("encode", "Write the encoding of the data (code_1..code_K)");
  struct Flags {
    ModelDataFlags io;
    PngFlag png;
    bool sample = false;
    int64_t seed = -1;
  };
  auto flags = std::make_shared<Flags>();
  flags->io.add(*command, "data file: CSV/TSV, .npy or IDX shaped like the training data",
                "where to write the encoding");
  command->add_flag("--sample", flags->sample,
                    "variational models: draw each code from q(z|x) instead of taking its mean");
  command->add_option("--seed", flags->seed, "with --sample: fixed seed, the same draws every run");
  flags->png.add(*command,
                 "scatter plot of the first two code units coloured by --label (without --output, no CSV is written)");
  command->callback([flags] {
    const Model model = load_model(flags->io.model);
    const Dataset data = flags->io.data.read_for(model);
    flags->io.output.check();
    flags->png.check();
    if (flags->seed >= 0) torch::manual_seed(static_cast<uint64_t>(flags->seed));
    const auto codes = model.encode(data.features, flags->sample);
    if (flags->png.given()) {
      if (model.code_dim() < 2) {
        throw InvalidArgument("--png plots two code units but the model's code has " +
                              std::to_string(model.code_dim()) + "; train a model with a code of 2");
      }
      flags->png.write(scatter_plot(codes, data.labels));
    }
    if (!flags->png.given() || !flags->io.output.path.empty()) {
      flags->io.output.write(codes, numbered_columns("code", model.code_dim()), data);
    }
  });
}

}  // namespace hourglass::cli
