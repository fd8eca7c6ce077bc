#include <iostream>

#include "common.hpp"
#include "hourglass/data/table_coding.hpp"
#include "hourglass/network/network.hpp"
#include "hourglass/network/parse.hpp"

namespace hourglass::cli {

namespace {

// What the network reads of a table, where it is more than the columns themselves.
void print_table_coding(const Model& model) {
  const TableCoding& coding = model.coding();
  if (!coding.recodes()) return;
  const auto columns = data_columns(model);
  std::cout << "A table of " << coding.columns() << " columns (" << coding.layout().groups.size() << " categorical), "
            << coding.width() << " values in the network\n";
  if (coding.other_level() == 1) {
    std::cout << "Each categorical column's \"" << TableCoding::kOtherLevel
              << "\" level takes the levels training did not see\n";
  } else if (coding.other_level() > 1) {
    std::cout << "Each categorical column's \"" << TableCoding::kOtherLevel
              << "\" level takes its levels seen in fewer than " << coding.other_level()
              << " training rows, and levels training did not see\n";
  }
  if (!coding.missing_indicators().empty()) {
    std::vector<std::string> indicated;
    for (int64_t c : coding.missing_indicators()) indicated.push_back(columns[static_cast<size_t>(c)]);
    std::cout << "Missing indicators: " << join(indicated) << '\n';
  }
}

}  // namespace

void add_summary_command(CLI::App& app) {
  auto* command = app.add_subcommand("summary", "Print a network's layers and parameter counts");
  struct Flags {
    std::string model, network, input_shape;
  };
  auto flags = std::make_shared<Flags>();
  auto* model = command->add_option("model", flags->model, "model file");
  auto* network = command->add_option("-n,--network", flags->network, "network spec (instead of a model)");
  auto* input_dim = command->add_option("--input-dim,--input-shape", flags->input_shape,
                                        "shape of one sample for --network: a width (4) or CxHxW (1x28x28)");
  model->excludes(network);
  network->needs(input_dim);
  command->callback([flags] {
    if (!flags->model.empty()) {
      const Model loaded = Model::load(flags->model);
      std::cout << loaded.learner().to_string() << loaded.summary();
      if (loaded.ensemble_size() > 1) {
        std::cout << "An ensemble of " << loaded.ensemble_size()
                  << " such networks: scores and reconstructions are their means, codes the first's\n";
      }
      print_table_coding(loaded);
      return;
    }
    if (flags->network.empty()) {
      throw InvalidArgument("summary needs a MODEL file or --network SPEC --input-shape SHAPE");
    }
    Shape shape;
    std::string side;
    for (char c : flags->input_shape + "x") {
      if (c != 'x' && c != ',') {
        side += c;
        continue;
      }
      char* end = nullptr;
      const long long value = std::strtoll(side.c_str(), &end, 10);
      if (side.empty() || *end != '\0' || value < 1 || value > (1LL << 31)) {
        throw InvalidArgument("--input-shape: expected positive sizes such as 4 or 1x28x28, got '" +
                              flags->input_shape + "'");
      }
      shape.push_back(value);
      side.clear();
    }
    const Network net = parse_network(flags->network);
    net.validate();
    std::cout << net.summary(shape);
  });
}

}  // namespace hourglass::cli
