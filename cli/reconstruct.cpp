#include "common.hpp"

namespace hourglass::cli {

void add_reconstruct_command(CLI::App& app) {
  auto* command = app.add_subcommand("reconstruct", "Write the reconstruction of the data");
  struct Flags {
    std::string model;
    DataFlags data;
    OutputFlag output;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "model file")->required();
  flags->data.add(*command);
  flags->output.add(*command, "where to write the reconstruction");
  command->callback([flags] {
    const Model model = Model::load(flags->model);
    const Dataset data = flags->data.read();
    flags->output.write(model.reconstruct(data.features), data.columns, data);
  });
}

}  // namespace hourglass::cli
