#include "hourglass/model/history.hpp"

#include <iostream>

#include "common.hpp"

namespace hourglass::cli {

void add_history_command(CLI::App& app) {
  auto* command = app.add_subcommand("history", "Print a model's training history: every epoch's losses and seconds");
  struct Flags {
    std::string model;
    bool csv = false;
  };
  auto flags = std::make_shared<Flags>();
  command->add_option("model", flags->model, "model file")->required();
  command->add_flag("--csv", flags->csv, "as CSV: epoch, every value, seconds");
  command->callback([flags] {
    const Model model = load_model(flags->model);
    const History& history = model.history();
    if (flags->csv) {
      std::cout << history.to_csv();
      return;
    }
    for (const auto& record : history.epochs) std::cout << format_progress(record, history.epochs.size()) << '\n';
    if (!history.stop_reason.empty()) std::cout << "Stopped: " << history.stop_reason << '\n';
  });
}

}  // namespace hourglass::cli
