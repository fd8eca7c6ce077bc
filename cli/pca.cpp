#include <iostream>

#include "common.hpp"

namespace hourglass::cli {

void add_pca_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "pca", "Principal component analysis: write the k-dimensional encoding and report the "
             "reconstruction error");
  struct Flags {
    DataFlags data;
    OutputFlag output;
    int64_t dim = 0;
  };
  auto flags = std::make_shared<Flags>();
  flags->data.add(*command);
  command->add_option("-k,--dim", flags->dim, "number of components")->required();
  flags->output.add(*command, "where to write the encoding");
  command->callback([flags] {
    const Dataset data = flags->data.read();
    const Pca model = pca(data.features, flags->dim);
    const auto codes = model.encode(data.features);
    const double mse = (model.decode(codes) - data.features).square().mean().item<double>();
    const double total = data.features.var(0).sum().item<double>();
    const double explained = model.explained_variance().sum().item<double>();
    std::cerr << "PCA (k=" << flags->dim << "): reconstruction MSE " << mse;
    if (total > 0) std::cerr << ", explained variance " << 100.0 * explained / total << "%";
    std::cerr << '\n';
    flags->output.write(codes, numbered_columns("pc", flags->dim), data);
  });
}

}  // namespace hourglass::cli
