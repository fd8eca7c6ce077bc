#include "common.hpp"

namespace hourglass::cli {

void add_decode_command(CLI::App& app) {
  auto* command = app.add_subcommand("decode", "Map codes (one row per code) back to data space");
  struct Flags {
    std::string model;
    DataFlags codes;
    OutputFlag output;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "model file")->required();
  flags->codes.add(*command, "codes: CSV/TSV or .npy with one column per code unit");
  flags->output.add(*command, "where to write the decoded rows");
  command->callback([flags] {
    const Model model = Model::load(flags->model);
    const Dataset codes = flags->codes.read();
    flags->output.write(model.decode(codes.features), numbered_columns("V", model.input_dim()), codes);
  });
}

}  // namespace hourglass::cli
