#include "common.hpp"

namespace hourglass::cli {

namespace {

// Rows of `columns` originals, each above the row of their reconstructions.
at::Tensor originals_above_reconstructions(const at::Tensor& originals, const at::Tensor& reconstructions,
                                           int64_t columns) {
  std::vector<at::Tensor> rows;
  for (int64_t first = 0; first < originals.size(0); first += columns) {
    const int64_t n = std::min(columns, originals.size(0) - first);
    rows.push_back(originals.narrow(0, first, n));
    rows.push_back(reconstructions.narrow(0, first, n));
  }
  return torch::cat(rows);
}

}  // namespace

void add_reconstruct_command(CLI::App& app) {
  auto* command = app.add_subcommand("reconstruct", "Write the reconstruction of the data");
  struct Flags {
    ModelDataFlags io;
    PngFlag png;
    int64_t rows = 2, columns = 10;
  };
  auto flags = std::make_shared<Flags>();
  flags->io.add(*command, "data file: CSV/TSV, .npy or IDX shaped like the training data",
                "where to write the reconstruction");
  flags->png.add(*command,
                 "picture of the first images above their reconstructions (without --output, no CSV is written)");
  command
      ->add_option("--grid-rows", flags->rows,
                   "with --png: rows of originals, each above its reconstructions (default 2)")
      ->check(kPositive);
  command->add_option("--columns", flags->columns, "with --png: images per row (default 10)")->check(kPositive);
  command->callback([flags] {
    const Model model = load_model(flags->io.model);
    const auto windowing = flags->io.data.windowing();
    if (windowing) {  // the table back, each cell the mean of its windows' reconstructions
      if (flags->png.given()) throw InvalidArgument("--png draws images; drop it with --window");
      const Dataset table = flags->io.data.read_table_for(model);
      flags->io.output.check();
      const at::Tensor windows = model.reconstruct(windowing->cut(table).features);
      flags->io.output.write(windowing->overlap_average(windows, table.rows()), table.columns, table);
      return;
    }
    const Dataset data = flags->io.data.read_for(model);
    flags->io.output.check();
    flags->png.check();
    if (flags->png.given()) {
      check_images(model, "reconstruct");
      const int64_t shown = std::min(flags->rows * flags->columns, data.rows());
      const auto originals = data.samples().narrow(0, 0, shown);
      const auto pictures = originals_above_reconstructions(originals, model.reconstruct(originals), flags->columns);
      flags->png.write(image_grid(pictures, flags->columns));
    }
    if (!flags->png.given() || !flags->io.output.path.empty()) {
      flags->io.output.write(model.reconstruct(data.features), data.columns, data, data.levels);
    }
  });
}

}  // namespace hourglass::cli
