#include <iostream>

#include "common.hpp"

namespace hourglass::cli {

void add_impute_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "impute", "Write the data with its missing cells filled in by the model's reconstruction (the rest as it is)");
  auto flags = std::make_shared<ModelDataFlags>();
  flags->add(*command, "data file: CSV/TSV with missing cells (empty, NA, NaN or ?; see --na-values)",
             "where to write the filled data", kUnseenLevels);
  command->callback([flags] {
    const Model model = load_model(flags->model);
    const Dataset data = flags->data.read_for(model);
    flags->output.check();
    const auto filled = model.impute(data.features);
    const auto holes = data.features.isnan().sum().item<int64_t>();
    flags->output.write(filled, data.columns, data, data.levels);
    if (!flags->output.path.empty()) {
      std::cerr << "Filled " << holes << (holes == 1 ? " missing cell" : " missing cells") << " of " << data.rows()
                << " rows\n";
    }
  });
}

}  // namespace hourglass::cli
