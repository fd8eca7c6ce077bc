#include "hourglass/train/autoencode.hpp"

#include <iostream>

#include "common.hpp"
#include "hourglass/model/pca.hpp"
#include "hourglass/train/option_specs.hpp"
#include "signals.hpp"

namespace hourglass::cli {
namespace {

// The command's own defaults (autoencode_command_options()) where the line leaves them.
void use_command_defaults(TrainFlags& training, const CLI::App& command) {
  set_train_options_unless_given(training.options, autoencode_command_options(), training.given(command));
}

// Said once, as training starts (after every check of the line: a bad input stays one
// line), so that the closing comparison with PCA can be read.
void say_command_defaults(const TrainFlags& training) {
  if (training.quiet) return;
  const auto defaults = autoencode_command_options();
  std::cerr << "autoencode trains with";
  for (const auto& [name, value] : defaults)
    std::cerr << " --" << kebab(name) << ' ' << option_value_text(get_train_option(training.options, name));
  std::cerr << " (its defaults; options on the command line win)\n";
}

}  // namespace

void add_autoencode_command(CLI::App& app) {
  auto* command = app.add_subcommand("autoencode",
                                     "Train input() + dense(K, activation) + output() and write the encoding "
                                     "(ruta's autoencode); reports the reconstruction error against PCA");
  struct Flags {
    DataFlags data;
    OutputFlag output;
    TrainFlags training;
    VariantFlags variants;
    int64_t dim = 0;
    std::string activation = "linear";
  };
  auto flags = std::make_shared<Flags>();
  flags->data.add(*command);
  command->add_option("-k,--dim", flags->dim, "size of the encoding")->required();
  command->add_option("--activation", flags->activation, "activation of the encoding layer (default linear)");
  flags->variants.add(*command);
  flags->training.add(*command);
  flags->output.add(*command, "where to write the encoding");
  command->callback([flags, command] {
    const Dataset data = flags->data.read();
    flags->output.check();
    use_command_defaults(flags->training, *command);
    const Autoencoder learner = flags->variants.apply(autoencode_learner(flags->dim, "basic", flags->activation));
    say_command_defaults(flags->training);
    const StopSignals signals;  // until the encoding is written
    const Model model = flags->training.train(learner, data);
    if (signals.received()) {
      std::cerr << "hourglass: interrupted by " << signals.name() << ": no encoding was written\n";
      throw Interrupted{signals.exit_status()};
    }
    report_against_pca(model, data.features, flags->training);
    flags->output.write(model.encode(data.features), numbered_columns("code", model.code_dim()), data);
    if (signals.received()) throw Interrupted{signals.exit_status()};  // the encoding is whole
  });
}

}  // namespace hourglass::cli
