
#include "hourglass/report/report.hpp"

#include <iostream>

#include "common.hpp"
#include "hourglass/model/pca.hpp"

namespace hourglass::cli {

void add_report_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "report", "Write an HTML report of what a model learned: training curves, errors, codes, PCA (opens offline)");
  struct Flags {
    std::string model, output, title;
    DataFlags data;
    ReportOptions options;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "model file")->required();
  flags->data.add(*command, "data to show the model on (optional): CSV/TSV, .npy or IDX", /*required=*/false);
  command->add_option("-o,--output", flags->output, "the HTML file to write")->required();
  command->add_option("--title", flags->title, "the page's heading (default: Hourglass report)");
  auto& o = flags->options;
  command->add_option_function<double>(
      "--threshold", [&o](double v) { o.threshold(v); },
      "an anomaly threshold on the per-row error, drawn on its distribution (default: the model's own, if "
      "it has one)");
  command->add_option_function<int64_t>(
      "--max-points", [&o](int64_t v) { o.max_points(v); },
      "rows drawn in the codes' scatter plot at most (default 5000)");
  command->add_option_function<int64_t>(
      "--examples", [&o](int64_t v) { o.examples(v); },
      "images or sequences shown with their reconstructions (default 10)");
  command->add_flag_function(
      "--no-baseline", [&o](int64_t) { o.pca_baseline(false); }, "skip the comparison with PCA");
  command->callback([flags] {
    const Model model = load_model(flags->model);
    const Dataset data = flags->data.given() ? flags->data.read(model.label_name()) : Dataset{};
    check_output(flags->output);
    auto options = flags->options;
    options.title(flags->title).model_name(flags->model).data_name(flags->data.path);
    write_report(flags->output, model, data, options);
    std::cerr << "Wrote " << flags->output << '\n';
  });
}

}  // namespace hourglass::cli
