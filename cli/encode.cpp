#include "common.hpp"

namespace hourglass::cli {

void add_encode_command(CLI::App& app) {
  auto* command = app.add_subcommand("encode", "Write the encoding of the data (code_1..code_K)");
  struct Flags {
    std::string model;
    DataFlags data;
    OutputFlag output;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "model file")->required();
  flags->data.add(*command);
  flags->output.add(*command, "where to write the encoding");
  command->callback([flags] {
    const Model model = Model::load(flags->model);
    const Dataset data = flags->data.read();
    flags->output.write(model.encode(data.features), numbered_columns("code", model.code_dim()), data);
  });
}

}  // namespace hourglass::cli
