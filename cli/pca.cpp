#include "hourglass/model/pca.hpp"

#include <iostream>

#include "common.hpp"

namespace hourglass::cli {

void add_pca_command(CLI::App& app) {
  auto* command = app.add_subcommand("pca",
                                     "Principal component analysis: write the k-dimensional encoding and report the "
                                     "reconstruction error");
  struct Flags {
    DataFlags data;
    OutputFlag output;
    PngFlag png;
    int64_t dim = 0;
  };
  auto flags = std::make_shared<Flags>();
  flags->data.add(*command, "data file: CSV/TSV (header detected), .npy or IDX (MNIST, .gz too)", true, kPlainData);
  command->add_option("-k,--dim", flags->dim, "number of components")->required();
  flags->output.add(*command, "where to write the encoding");
  flags->png.add(*command,
                 "scatter plot of the first two components coloured by --label (without --output, no CSV is written)");
  command->callback([flags] {
    const Dataset data = flags->data.read();
    check_numeric(data, "pca");
    flags->output.check();
    flags->png.check();
    if (flags->png.given() && flags->dim < 2) {
      throw InvalidArgument("--png plots two components; give --dim 2 or more");
    }
    const Pca model = pca(data.features, flags->dim);
    const auto codes = model.encode(data.features);
    const double mse = model.fitted_mse(), total = model.total_variance();
    const double explained = model.explained_variance().sum().item<double>();
    if (flags->png.given()) flags->png.write(scatter_plot(codes, data.labels));
    if (!flags->png.given() || !flags->output.path.empty()) {
      flags->output.write(codes, numbered_columns("pc", flags->dim), data);
    }
    // Said once the results are written: a failed write is the command's one line.
    std::cerr << "PCA (k=" << flags->dim << "): reconstruction MSE " << mse;
    if (total > 0) std::cerr << ", explained variance " << 100.0 * explained / total << "%";
    std::cerr << '\n';
  });
}

}  // namespace hourglass::cli
