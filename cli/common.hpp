// What the subcommands share: each flag group is declared once here and added to the
// subcommands that take it. The CLI holds no logic of its own; it maps flags to the
// library and errors to exit statuses.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hourglass/data/dataset.hpp"
#include "hourglass/data/windows.hpp"
#include "hourglass/error.hpp"
#include "hourglass/io/png.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/train/callbacks.hpp"
#include "hourglass/train/options.hpp"
#include "hourglass/variants/autoencoder.hpp"
#include "run.hpp"

namespace hourglass::cli {

/// --na-values' list: comma-separated cells that mean missing, where an empty item (",NA",
/// "NA,", "", or spelled "" or '') is the empty cell; "none": no cell is missing.
std::vector<std::string> na_value_list(const std::string& text);

/// The data options a command has beyond the file's own (--label, --rows, --na-values,
/// ...): each command's help lists only what applies to it.
enum DataUses : unsigned {
  kPlainData = 0,
  kWindows = 1,       ///< --window W [--stride S]: a time series cut into sequences
  kUnseenLevels = 2,  ///< --unseen-levels: a table read for a model's categories
  kModelData = kWindows | kUnseenLevels,
};

/// DATA and --label.
struct DataFlags {
  std::string path;
  std::string label;
  std::string rows;  ///< --rows N or FIRST:LAST
  bool channels_last = false;
  bool memory_map = false;
  int64_t window = 0, stride = 1;        ///< --window W [--stride S]; 0: no windows
  std::optional<std::string> na_values;  ///< --na-values LIST
  std::string unseen_levels;             ///< --unseen-levels error|missing|other; empty: the model's rule
  std::string encoding;                  ///< --encoding NAME; empty: UTF-8
  void add(CLI::App& command,
           const std::string& what = "data file: CSV/TSV (header detected), .npy or IDX (MNIST, .gz too)",
           bool required = true, unsigned uses = kWindows);
  bool given() const { return !path.empty(); }
  /// --window and --stride.
  void add_windows(CLI::App& command);
  /// The data, cut into windows of consecutive rows with --window. Without --label, a
  /// column named `model_label` (the model's Model::label_name()) is the label.
  Dataset read(const std::string& model_label = "") const;
  /// The data as the file holds it, without windows (what per-row results are written for).
  Dataset read_table(const std::string& model_label = "") const;
  /// --window's, or none.
  std::optional<Windowing> windowing() const;
  /// read() for `model`: categorical columns in the model's levels (conform()).
  Dataset read_for(const Model& model) const;
  /// read_table() for `model`.
  Dataset read_table_for(const Model& model) const;
  /// `data` in the model's levels, as --unseen-levels says.
  Dataset conformed(const Model& model, Dataset data) const;
};

/// Loads the model at `path` as an input of this command (see check_output).
Model load_model(const std::string& path);

/// The names of the data's columns as the model keeps them, or V1..Vn.
std::vector<std::string> data_columns(const Model& model);

/// Fails when `path` cannot be written, or when it is one of this command's inputs: the
/// data, or a model read with load_model. A model given to train --from or --resume is
/// not such an input: training a model in place is allowed.
void check_output(const std::string& path);

/// --output FILE for a CSV result; standard output when not given.
struct OutputFlag {
  std::string path;
  void add(CLI::App& command, const std::string& what);
  /// Fails early when the file could not be written.
  void check() const;
  /// Values with `source`'s label column; with `levels` (one list per column, as
  /// Dataset::levels), categorical cells as their names.
  void write(const at::Tensor& values, const std::vector<std::string>& header, const Dataset& source,
             const std::vector<std::vector<std::string>>& levels = {}) const;
};

/// --png FILE for a picture.
struct PngFlag {
  std::string path;
  void add(CLI::App& command, const std::string& what);
  bool given() const { return !path.empty(); }
  /// Fails early when the file could not be written.
  void check() const;
  void write(const Image& image) const;
};

/// Refuses --png for `command` where `model` was not trained on images.
void check_images(const Model& model, const std::string& command);

/// MODEL DATA [--label COL] [--output FILE]: what the commands that apply a model share.
struct ModelDataFlags {
  std::string model;
  DataFlags data;
  OutputFlag output;
  void add(CLI::App& command, const std::string& data_help, const std::string& output_help, unsigned uses = kModelData);
};

/// The training options of train and autoencode, and the callbacks their flags ask for.
struct TrainFlags {
  TrainOptions options;  ///< every declared option has its flag (option_specs.hpp)
  bool quiet = false;
  std::string history_csv, checkpoint, resume, reduce_lr;
  int64_t early_stopping = 0, checkpoint_every = 1;
  double min_delta = 0;
  bool keep_last_weights = false, no_baseline = false;
  void add(CLI::App& command);
  TrainOptions resolve() const;
  /// The names of the declared options (option_specs.hpp) given on `command`'s line.
  std::vector<std::string> given(const CLI::App& command) const;
  /// --reduce-lr-on-plateau, --early-stopping, --checkpoint, --history-csv, in that order
  /// (the learning rate is logged before the logs are written).
  Callbacks callbacks() const;
  /// Trains `learner` (or resumes the --resume checkpoint, which must train the same
  /// learner); returns the model learned so far. Callers hold a StopSignals over this
  /// and the save, so that a signal stops training and the work is kept.
  /// A table's categorical columns and names go into the model; a resumed run takes the
  /// data in the checkpoint's levels.
  Model train(const Autoencoder& learner, const Dataset& data) const;
  /// Continues training `model` (train --from) on data in its levels.
  Model train_more(const Model& model, const Dataset& data) const;
};

/// --nproc N and --dist-timeout SECONDS (train, cli/launch.cpp): training on many processes.
struct DistributedFlags {
  int nproc = 0;
  double timeout_seconds = 300;
  void add(CLI::App& command);
  /// With --nproc N: runs N copies of this command line as the ranks of one group on
  /// 127.0.0.1, forwards signals to them, ends them all when one fails, and returns the
  /// status to exit with (0, or the first failure's). nullopt without --nproc.
  std::optional<int> launch() const;
  /// The group of this process when torchrun or --nproc launched it (RANK is set); null
  /// otherwise.
  std::shared_ptr<ProcessGroup> join() const;
};

/// Thrown after the work of a run stopped by a signal was saved: run() exits with
/// `status` (128 + the signal). The --nproc launcher throws it with its processes' status.
struct Interrupted {
  int status;
};

/// --type and the variants' parameters, for train and autoencode.
/// --type and the variants' parameter flags, all read from variant_kinds().
struct VariantFlags {
  std::string types = "basic";
  /// Each parameter flag given, by its option name (VariantKind::options), as written
  /// ("true" for a switch).
  std::map<std::string, std::string> values;
  void add(CLI::App& command);
  /// Adds the chosen variants to `learner`. A parameter whose variant is not in --type
  /// is an error rather than silently ignored.
  Autoencoder apply(Autoencoder learner) const;
  /// True when any of these flags was given.
  bool given() const { return types != "basic" || !values.empty(); }
};

// ---- Anomaly detection (cli/anomaly_flags.cpp): score, threshold, train, evaluate ----

/// --score KIND and --samples N: which anomaly score.
struct ScoreFlags {
  std::string kind;
  int64_t samples = ScoreOptions().samples();
  void add(CLI::App& command);
  /// What was asked for; without --score, the score the model's threshold was set on.
  ScoreOptions resolve(const Model& model) const;
};

/// --contamination C | --fpr F | --threshold RULE: one threshold rule (model/anomaly.hpp).
struct ThresholdFlags {
  std::optional<double> contamination, fpr;
  std::string rule;
  bool allow_fpr = true;
  /// `with_fpr`: false where the data is the training data (it is not held-out normal data).
  void add(CLI::App& command, bool with_fpr);
  bool given() const { return contamination || fpr || !rule.empty(); }
  /// The rule as text, e.g. "contamination:0.1"; checked.
  std::string resolve() const;
  /// Sets the threshold on `scores` of `model` and, unless `quiet`, says so on stderr.
  void apply(Model& model, const at::Tensor& scores, const ScoreOptions& options, bool quiet = false) const;
};

// ---- end of anomaly detection ----

/// An option's name as its flag writes it: batch_size -> batch-size.
std::string kebab(std::string name);

/// Flushes standard output; throws Error when what was written there did not arrive
/// (`> /dev/full`, a full disk): the command fails instead of succeeding with nothing.
void flush_standard_output();

/// CLI11's check for a number above 0, with a message that names what it got ("expected a
/// number above 0, got 'many'"), where CLI::PositiveNumber prints its range to DBL_MAX.
extern const CLI::Validator kPositive;

/// Splits "mse,mae" into names.
std::vector<std::string> split_list(const std::string& text);

/// Adds the subcommand and its callback to the application.
void add_autoencode_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_encode_command(CLI::App& app);
void add_decode_command(CLI::App& app);
void add_reconstruct_command(CLI::App& app);
void add_impute_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_summary_command(CLI::App& app);
void add_pca_command(CLI::App& app);
void add_noise_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_history_command(CLI::App& app);
void add_layers_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_serve_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_threshold_command(CLI::App& app);

}  // namespace hourglass::cli

namespace hourglass::cli {

/// Prints the model's reconstruction MSE next to PCA's with as many components as the
/// code has (capped at the data's width) and the model's scaler, on stderr; nothing
/// when `flags` say --quiet or --no-baseline.
void report_against_pca(const Model& model, const at::Tensor& data, const TrainFlags& flags);

}  // namespace hourglass::cli
