#include "common.hpp"
#include "hourglass/data/table_coding.hpp"

namespace hourglass::cli {

void add_decode_command(CLI::App& app) {
  auto* command = app.add_subcommand("decode", "Map codes (one row per code) back to data space");
  struct Flags {
    ModelDataFlags io;
    PngFlag png;
    int64_t columns = 10;
  };
  auto flags = std::make_shared<Flags>();
  flags->io.add(*command, "codes: CSV/TSV or .npy with one column per code unit", "where to write the decoded rows",
                kPlainData);
  flags->png.add(*command,
                 "picture of the decoded images, e.g. of chosen points of a 2-D code (without --output, no CSV is "
                 "written); for a model trained on images");
  command->add_option("--columns", flags->columns, "with --png: images per row (default 10)")->check(kPositive);
  command->callback([flags] {
    const Model model = load_model(flags->io.model);
    const Dataset codes = flags->io.data.read(model.label_name());  // encode's output: codes and the label
    check_numeric(codes, "decode");
    flags->io.output.check();
    flags->png.check();
    const auto decoded = model.decode(codes.features);
    if (flags->png.given()) {
      check_images(model, "decode");
      flags->png.write(image_grid(decoded, std::min(flags->columns, codes.rows())));
    }
    if (!flags->png.given() || !flags->io.output.path.empty()) {
      flags->io.output.write(decoded, data_columns(model), codes, model.coding().levels());
    }
  });
}

}  // namespace hourglass::cli
