
#include "common.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>
#include <optional>
#include <stdexcept>

#include "hourglass/data/scaler.hpp"
#include "hourglass/data/table_coding.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/model/baseline.hpp"
#include "hourglass/network/network.hpp"
#include "hourglass/noise/noise.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/distributed.hpp"
#include "hourglass/train/option_specs.hpp"
#include "hourglass/train/train.hpp"
#include "signals.hpp"

namespace hourglass::cli {
namespace {

// The files this command reads that a result must never replace.
std::vector<std::string>& inputs() {
  static std::vector<std::string> paths;
  return paths;
}

}  // namespace

void flush_standard_output() {
  std::cout.flush();
  if (!std::cout) {
    throw Error("cannot write the result to standard output (" + std::string(std::strerror(errno)) +
                "); free space where it goes, or write it with -o FILE");
  }
}

Model load_model(const std::string& path) {
  inputs().push_back(path);
  return Model::load(path);
}

void check_output(const std::string& path) {
  struct stat output {};
  if (stat(path.c_str(), &output) == 0 && S_ISREG(output.st_mode)) {
    for (const auto& input : inputs()) {
      struct stat read {};
      if (stat(input.c_str(), &read) == 0 && read.st_dev == output.st_dev && read.st_ino == output.st_ino) {
        throw InvalidArgument("the output '" + abbreviate(path) + "' is this command's input '" + abbreviate(input) +
                              "'; write the result to another file");
      }
    }
  }
  check_writable(path);
}

void DataFlags::add(CLI::App& command, const std::string& what, bool required, unsigned uses) {
  command.add_option("data", path, what)->required(required);
  command.add_option("--label", label,
                     "column kept out of the features and copied to the output (name, or "
                     "1-based number without a header; for IDX images, the IDX label file)");
  command.add_flag("--channels-last", channels_last,
                   ".npy images stored rows x height x width x channels (default: channels first)");
  command.add_flag("--memory-map", memory_map,
                   ".npy (float32) only: map the file instead of reading it, for data larger than memory");
  command.add_option("--rows", rows, "only the first N rows, or rows FIRST:LAST (1-based, inclusive), of the data");
  command.add_option_function<std::string>(
      "--na-values", [this](const std::string& list) { na_values = list; },
      "CSV cells that mean missing, comma-separated; an empty item is the empty cell, e.g. ',NA' for empty "
      "and NA (default: empty, NA, NaN and ?); none: no cell is missing");
  command
      .add_option("--encoding", encoding,
                  "CSV/TSV text encoding, e.g. latin1 or cp1252 (default utf-8; a file with UTF-16's byte order "
                  "mark is read as UTF-16)")
      ->type_name("NAME");
  if (uses & kUnseenLevels) {
    command
        .add_option("--unseen-levels", unseen_levels,
                    "a category the model was not trained on: error, missing (read as a missing cell) or other "
                    "(the column's \"(other)\" level, see train --other-level); default: other where the model "
                    "has that level, else error")
        ->check(CLI::IsMember({"error", "missing", "other"}));
  }
  if (uses & kWindows) add_windows(command);
}

void DataFlags::add_windows(CLI::App& command) {
  auto* window_option = command.add_option(
      "--window", window,
      "a time series as one long table: cut it into windows of W consecutive rows (features x W sequences)");
  window_option->check(kPositive);
  command
      .add_option("--stride", stride,
                  "with --window: rows from one window's start to the next (default 1); the last window ends at the "
                  "last row")
      ->check(kPositive)
      ->needs(window_option);
}

std::vector<std::string> na_value_list(const std::string& text) {
  if (text == "none") return {};
  std::vector<std::string> values;
  size_t start = 0;
  while (true) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item == "\"\"" || item == "''") item.clear();
    if (std::find(values.begin(), values.end(), item) == values.end()) values.push_back(item);
    if (comma == text.size()) return values;
    start = comma + 1;
  }
}

std::optional<Windowing> DataFlags::windowing() const {
  if (window == 0) return std::nullopt;
  return Windowing(window, stride);
}

std::vector<std::string> data_columns(const Model& model) {
  const auto& names = model.coding().names();
  return names.empty() ? numbered_columns("V", model.input_dim()) : names;
}

Dataset DataFlags::read(const std::string& model_label) const {
  const auto windows = windowing();
  if (!windows) return read_table(model_label);
  const Dataset table = read_table(model_label);
  check_numeric(table, "--window");
  return windows->cut(table);
}

Dataset DataFlags::conformed(const Model& model, Dataset data) const {
  const auto unseen = unseen_levels == "error"     ? UnseenLevels::refuse
                      : unseen_levels == "missing" ? UnseenLevels::missing
                      : unseen_levels == "other"   ? UnseenLevels::other
                                                   : UnseenLevels::model_rule;
  data.features = model.coding().conform(data, unseen);
  if (model.coding().has_categories()) data.levels = model.coding().levels();
  return data;
}

Dataset DataFlags::read_for(const Model& model) const { return conformed(model, read(model.label_name())); }

Dataset DataFlags::read_table_for(const Model& model) const { return conformed(model, read_table(model.label_name())); }

Dataset DataFlags::read_table(const std::string& model_label) const {
  auto options =
      ReadOptions().label(label).label_if_present(model_label).channels_last(channels_last).memory_map(memory_map);
  if (na_values) options.na_values(na_value_list(*na_values));
  if (!encoding.empty()) options.encoding(encoding);
  if (!rows.empty()) {
    // N, or FIRST:LAST counted from 1 as sed and R count.
    const auto colon = rows.find(':');
    const auto number = [&](const std::string& text) {
      size_t used = 0;
      long long value = -1;
      try {
        value = std::stoll(text, &used);
      } catch (const std::logic_error&) {
      }
      if (used != text.size() || value < 1) {
        throw InvalidArgument(
            "--rows: expected N or FIRST:LAST with positive whole numbers, e.g. 1000 or 101:200, got '" + rows + "'");
      }
      return static_cast<int64_t>(value);
    };
    if (colon == std::string::npos) {
      options.row_count(number(rows));
    } else {
      const int64_t first = number(rows.substr(0, colon)), last = number(rows.substr(colon + 1));
      if (last < first) throw InvalidArgument("--rows " + rows + ": LAST comes before FIRST");
      options.first_row(first - 1).row_count(last - first + 1);
    }
  }
  inputs().push_back(path);
  return read_data(path, options);
}

void OutputFlag::check() const {
  if (!path.empty()) check_output(path);
}

void OutputFlag::add(CLI::App& command, const std::string& what) {
  command.add_option("-o,--output", path, what + " (CSV; standard output when not given)");
}

void OutputFlag::write(const at::Tensor& values, const std::vector<std::string>& header, const Dataset& source,
                       const std::vector<std::vector<std::string>>& levels) const {
  Dataset table;
  table.features = values.dim() > 2 ? values.reshape({values.size(0), -1}) : values;  // images: one row each
  table.columns = header;
  table.levels = levels;
  table.label_name = source.label_name;
  table.labels = source.labels;
  if (path.empty()) {
    write_csv(std::cout, table);
    flush_standard_output();
  } else {
    check_output(path);
    write_csv(path, table);
  }
}

void PngFlag::add(CLI::App& command, const std::string& what) { command.add_option("--png", path, what); }

void check_images(const Model& model, const std::string& command) {
  if (model.sample_shape().size() >= 2) return;
  throw InvalidArgument(command + " --png draws images, but the model was trained on rows of " +
                        std::to_string(model.input_dim()) +
                        " values; use it with a model of images (IDX or an .npy of N x C x H x W)");
}

void PngFlag::check() const {
  if (given()) check_output(path);
}

void PngFlag::write(const Image& image) const {
  check_output(path);
  write_png(path, image);
}

void ModelDataFlags::add(CLI::App& command, const std::string& data_help, const std::string& output_help,
                         unsigned uses) {
  command.add_option("model", model, "model file")->required();
  data.add(command, data_help, /*required=*/true, uses);
  output.add(command, output_help);
}

std::string kebab(std::string name) {
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

namespace {

std::string flag_help(const OptionSpec& spec) {
  std::string help = spec.help;
  if (spec.choices) help += ": " + join(spec.choices(), " | ");
  return help + " (default " + default_text(spec) + ")";
}

// A declared training option as a flag: --name (and its aliases) with a value, or for a
// flag, --name; one that is on by default is turned off with --no-name.
void add_train_option(CLI::App& command, const OptionSpec& spec, TrainOptions& options) {
  std::string names = "--" + kebab(spec.name);
  for (const auto& alias : spec.aliases) names += ",--" + kebab(alias);
  const std::string name = spec.name;  // the table may grow: look the option up when used
  if (spec.type == OptionType::flag) {
    if (std::get<bool>(default_value(spec))) names += ",!--no-" + kebab(spec.name);
    command.add_flag_function(
        names, [&options, name](int64_t count) { set_train_option(options, name, count > 0); }, flag_help(spec));
    return;
  }
  const char* value_names[] = {"", "INT", "FLOAT", "NAME", "NAMES", "SEED"};
  command
      .add_option_function<std::string>(
          names,
          [&options, name](const std::string& text) {
            try {
              set_train_option(options, name, parse_option_value(train_option_spec(name), text));
            } catch (const InvalidArgument& e) {
              throw InvalidArgument("--" + kebab(name) + ": " + e.what());  // the message names the flag given
            }
          },
          flag_help(spec))
      ->type_name(value_names[static_cast<int>(spec.type)]);
}

}  // namespace

void TrainFlags::add(CLI::App& command) {
  for (const auto& spec : train_option_specs())
    if (spec.in_bindings) add_train_option(command, spec, options);
  auto* stopping = command.add_option("--early-stopping", early_stopping,
                                      "stop after PATIENCE epochs without improvement of val_loss (loss without "
                                      "validation) and keep the best epoch's weights");
  command.add_option("--min-delta", min_delta, "with --early-stopping: the smallest change that counts as improvement")
      ->needs(stopping);
  command
      .add_flag("--keep-last-weights", keep_last_weights,
                "with --early-stopping: keep the last epoch's weights instead of the best one's")
      ->needs(stopping);
  command.add_option("--reduce-lr-on-plateau", reduce_lr,
                     "PATIENCE[:FACTOR]: multiply the learning rate by FACTOR (default 0.1) after PATIENCE epochs "
                     "without improvement of val_loss (loss without validation)");
  command.add_option("--checkpoint", checkpoint,
                     "write the model with its training state to this file every --checkpoint-every epochs "
                     "(default 1) and at the end");
  command.add_option("--checkpoint-every", checkpoint_every, "epochs between checkpoints");
  command.add_option("--resume", resume,
                     "continue the run that wrote this checkpoint up to --epochs in all (same network, loss, "
                     "variants, options and data); with --seed and --threads 1 the result equals an "
                     "uninterrupted run");
  command.add_option("--history-csv", history_csv,
                     "write the history (a row per epoch, earlier ones included) to this CSV after every epoch");
  command.add_flag("-q,--quiet", quiet, "no summary or progress on stderr");
  command.add_flag("--no-baseline", no_baseline, "skip the comparison with PCA after training");
}

std::vector<std::string> TrainFlags::given(const CLI::App& command) const {
  std::vector<std::string> names;
  for (const auto& spec : train_option_specs()) {
    const CLI::Option* flag = command.get_option_no_throw("--" + kebab(spec.name));
    if (flag && flag->count() > 0) names.push_back(spec.name);
  }
  return names;
}

TrainOptions TrainFlags::resolve() const {
  TrainOptions resolved = options;
  resolved.verbose(!quiet);
  return resolved;
}

Callbacks TrainFlags::callbacks() const {
  Callbacks list;
  if (!reduce_lr.empty()) {
    const auto colon = reduce_lr.find(':');
    ReduceLROnPlateauOptions plateau;
    try {
      size_t used = 0;
      const std::string patience = reduce_lr.substr(0, colon);
      plateau.patience(std::stoll(patience, &used));
      if (used != patience.size()) throw std::invalid_argument(patience);
      if (colon != std::string::npos) {
        const std::string factor = reduce_lr.substr(colon + 1);
        plateau.factor(std::stod(factor, &used));
        if (used != factor.size()) throw std::invalid_argument(factor);
      }
    } catch (const std::logic_error&) {
      throw InvalidArgument("--reduce-lr-on-plateau: expected PATIENCE[:FACTOR], e.g. 5 or 5:0.5, got '" + reduce_lr +
                            "'");
    }
    list.emplace_back(ReduceLROnPlateau(plateau));
  }
  if (early_stopping < 0) {
    throw InvalidArgument("--early-stopping: patience must be >= 0 epochs (0: off), got " +
                          std::to_string(early_stopping));
  }
  if (early_stopping > 0) {
    list.emplace_back(EarlyStopping(
        EarlyStoppingOptions().patience(early_stopping).min_delta(min_delta).restore_best_weights(!keep_last_weights)));
  }
  if (!checkpoint.empty()) {
    check_output(checkpoint);
    list.emplace_back(ModelCheckpoint(checkpoint, ModelCheckpointOptions().every(checkpoint_every)));
  }
  // Of many processes, rank 0 logs (and writes checkpoints: the training does that).
  const bool main_process = !options.process_group() || options.process_group()->is_main();
  if (!history_csv.empty() && main_process) {
    check_output(history_csv);
    list.emplace_back(CSVLogger(history_csv));
  }
  return list;
}

Model TrainFlags::train(const Autoencoder& learner, const Dataset& data) const {
  const TrainOptions resolved = resolve();
  const Callbacks list = callbacks();
  if (resume.empty()) return hourglass::train(learner, data, resolved, list);
  const Model checkpoint = Model::load(resume);
  if (checkpoint.learner().to_string() != learner.to_string()) {
    const auto describe = [](const Autoencoder& l) {
      return join(l.types()) + " " + l.network.describe() + " with loss " + l.loss_description();
    };
    throw InvalidArgument("cannot resume from '" + resume + "': it trains a " + describe(checkpoint.learner()) +
                          ", this run asks for a " + describe(learner) + "; give the same network, loss and variants");
  }
  return hourglass::resume(checkpoint, checkpoint.coding().conform(data), resolved, list);
}

Model TrainFlags::train_more(const Model& model, const Dataset& data) const {
  if (!resume.empty())
    throw InvalidArgument("--resume and --from exclude each other: --from continues a model for --epochs more");
  const TrainOptions resolved = resolve();
  const Callbacks list = callbacks();
  return hourglass::train(model, model.coding().conform(data), resolved, list);
}

std::vector<std::string> split_list(const std::string& text) { return split_names(text); }

const CLI::Validator kPositive(
    [](std::string& text) -> std::string {
      size_t used = 0;
      double value = 0;
      try {
        value = std::stod(text, &used);
      } catch (const std::logic_error&) {
        used = 0;
      }
      if (used == 0 || used != text.size() || !(value > 0) || !std::isfinite(value))
        return "expected a number above 0, got '" + text + "'";
      return "";
    },
    "POSITIVE");

namespace {

constexpr const char* kOutOfMemory = "not enough memory for this request; use smaller layers, batches or data";

// A message's first line, cut to a length a terminal shows (LibTorch's carry a stack).
std::string one_line(const std::string& message) { return abbreviate(message.substr(0, message.find('\n')), 1000); }

// LibTorch's allocator reports a failed allocation as c10::Error: the user's request
// was too large, not a bug, so it gets the usual message and status 2.
std::optional<std::string> allocation_failure(const std::string& what) {
  if (what.find("can't allocate memory") == std::string::npos) return std::nullopt;
  const std::string tried = "you tried to allocate ";
  const auto at = what.find(tried);
  if (at == std::string::npos) return std::string(kOutOfMemory);
  const uint64_t bytes = std::strtoull(what.c_str() + at + tried.size(), nullptr, 10);
  return "not enough memory: this request needs " + format_bytes(bytes) + " at once and " +
         format_bytes(available_memory_bytes()) + " is free; use smaller layers, batches or data";
}

// Every subcommand, in the order help lists them.
void add_commands(CLI::App& app) {
  add_autoencode_command(app);
  add_train_command(app);
  add_encode_command(app);
  add_decode_command(app);
  add_reconstruct_command(app);
  add_impute_command(app);
  add_evaluate_command(app);
  add_summary_command(app);
  add_pca_command(app);
  add_noise_command(app);
  add_generate_command(app);
  add_history_command(app);
  add_layers_command(app);
  add_export_command(app);
  add_report_command(app);
  add_serve_command(app);
  add_score_command(app);
  add_threshold_command(app);
}

}  // namespace

int run(int argc, char** argv) {
  report_bus_errors();
  inputs().clear();  // a command's own: the tests run many in one process
  CLI::App app(
      "hourglass: neural autoencoders (basic, sparse, contractive, denoising, robust, variational, "
      "adversarial, convolutional; PCA baseline)",
      "hourglass");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", std::string("hourglass ") + version());
  app.add_option_function<int>(
         "--threads", [](int n) { set_threads(n); },
         "threads for tensor operations (default: all cores, or OMP_NUM_THREADS)")
      ->check(kPositive);
  add_commands(app);
  try {
    app.parse(argc, argv);
    flush_standard_output();
    return 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const Interrupted& interrupted) {
    return interrupted.status;
  } catch (const CLI::ParseError& e) {
    std::cerr << "hourglass: error: " << e.what() << " (see 'hourglass --help')\n";
    return 2;
  } catch (const TrainingError& e) {
    std::cerr << "hourglass: training failed: " << one_line(e.what()) << '\n';
    return 3;
  } catch (const Error& e) {
    std::cerr << "hourglass: error: " << one_line(e.what()) << '\n';
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "hourglass: error: " << kOutOfMemory << '\n';
    return 2;
  } catch (const std::exception& e) {
    if (const auto message = allocation_failure(e.what())) {
      std::cerr << "hourglass: error: " << *message << '\n';
      return 2;
    }
    std::cerr << "hourglass: internal error: " << one_line(e.what())
              << " (please report it with the command that caused it)\n";
    return 1;
  }
}

int run(const std::vector<std::string>& args) {
  std::vector<std::string> copies = args;  // argv's strings are writable
  std::vector<char*> argv;
  for (auto& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return run(static_cast<int>(copies.size()), argv.data());
}

}  // namespace hourglass::cli

namespace hourglass::cli {

void report_against_pca(const Model& model, const at::Tensor& data, const TrainFlags& flags) {
  if (flags.quiet || flags.no_baseline) return;
  const PcaComparison c = compare_with_pca(model, data.reshape({data.size(0), -1}));
  std::string scaled_by = model.scaler().is_identity() ? "" : ", " + model.scaler().kind() + " scaled";
  if (c.rows < data.size(0)) {
    scaled_by += ", on " + std::to_string(c.rows) + " of the " + std::to_string(data.size(0)) + " rows";
  }
  if (c.mse) {
    std::cerr << "Reconstruction MSE: autoencoder " << *c.mse << ", PCA (k=" << c.k << scaled_by << ") " << *c.pca_mse;
    if (*c.pca_mse > 0) std::cerr << " (ratio " << *c.mse / *c.pca_mse << ")";
    std::cerr << '\n';
  }
  if (c.accuracy) {
    std::cerr << "Categories reconstructed: autoencoder " << *c.accuracy << ", PCA (k=" << c.k << ") "
              << *c.pca_accuracy << " of the cells\n";
  }
}

}  // namespace hourglass::cli
