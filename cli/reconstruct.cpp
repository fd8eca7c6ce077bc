#include "common.hpp"

namespace hourglass::cli {

void add_reconstruct_command(CLI::App& app) {
  add_model_command(app, "reconstruct", "Write the reconstruction of the data",
                    "data file: CSV/TSV or .npy with the training data's columns",
                    "where to write the reconstruction", [](const Model& model, const Dataset& data) {
                      return Table{model.reconstruct(data.features), data.columns};
                    });
}

}  // namespace hourglass::cli
