#include "common.hpp"

namespace hourglass::cli {

void add_encode_command(CLI::App& app) {
  add_model_command(app, "encode", "Write the encoding of the data (code_1..code_K)",
                    "data file: CSV/TSV or .npy with the training data's columns",
                    "where to write the encoding", [](const Model& model, const Dataset& data) {
                      return Table{model.encode(data.features), numbered_columns("code", model.code_dim())};
                    });
}

}  // namespace hourglass::cli
