#include <iostream>
#include <nlohmann/json.hpp>

#include "common.hpp"

namespace hourglass::cli {

void add_evaluate_command(CLI::App& app) {
  auto* command = app.add_subcommand("evaluate", "Reconstruction metrics of a model on data");
  struct Flags {
    std::string model, metrics = "mse";
    DataFlags data;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "model file")->required();
  flags->data.add(*command);
  command->add_option("--metric,--metrics", flags->metrics,
                      "comma-separated: mse (default), mae, bce, binary_accuracy");
  command->add_flag("--json", flags->json, "print one JSON object");
  command->callback([flags] {
    const Model model = load_model(flags->model);
    const Dataset data = flags->data.read();
    const auto values = model.evaluate(data.features, split_list(flags->metrics));
    if (flags->json) {
      std::cout << nlohmann::json(values).dump() << '\n';
    } else {
      for (const auto& [name, value] : values) std::cout << name << ": " << value << '\n';
    }
  });
}

}  // namespace hourglass::cli
