#include "common.hpp"

namespace hourglass::cli {

void add_decode_command(CLI::App& app) {
  add_model_command(app, "decode", "Map codes (one row per code) back to data space",
                    "codes: CSV/TSV or .npy with one column per code unit",
                    "where to write the decoded rows", [](const Model& model, const Dataset& codes) {
                      return Table{model.decode(codes.features), numbered_columns("V", model.input_dim())};
                    });
}

}  // namespace hourglass::cli
