#include <iostream>

#include "common.hpp"
#include "hourglass/export/onnx.hpp"

namespace hourglass::cli {

void add_export_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "export", "Write a part of a model as an ONNX file (opset 17) that any ONNX runtime serves, the scaler included");
  struct Flags {
    std::string model, output, part = "autoencoder", columns;
    std::optional<double> threshold;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "model file")->required();
  command->add_option("-o,--output", flags->output, "the .onnx file to write")->required();
  command
      ->add_option("--part", flags->part,
                   "encoder (data -> code), decoder (code -> data), autoencoder (data -> reconstruction, the "
                   "default) or scorer (data -> the loss of each row)")
      ->capture_default_str();
  command->add_option("--threshold", flags->threshold,
                      "scorer: also output outlier, 1 for rows scoring above it (kept in the file's metadata)");
  command->add_option("--columns", flags->columns, "the data's column names, comma-separated, for the metadata");
  command->callback([flags] {
    const Model model = load_model(flags->model);
    check_output(flags->output);
    auto options = OnnxExportOptions().part(flags->part).columns(split_list(flags->columns));
    if (flags->threshold) options.threshold(*flags->threshold);
    export_onnx(model, flags->output, options);
    std::cerr << "Wrote the " << flags->part << " of " << flags->model << " to " << flags->output << '\n';
  });
}

}  // namespace hourglass::cli
