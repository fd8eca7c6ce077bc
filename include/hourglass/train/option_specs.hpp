// The training options, declared once. Each row of the table (src/train/option_specs.cpp)
// gives an option's name, type, default, range and help; everything that offers the
// options reads it:
//   - the command line: a flag per option (--batch-size), its help and default;
//   - the R package: train()'s valid names, defaults and checks (train_options());
//   - the Python package: the estimators' parameters;
//   - the web server: the JSON fields of a training and the form's defaults;
//   - the JSON form of TrainOptions (train_options_to_json / train_options_from_json).
//
//   for (const auto& spec : train_option_specs())
//     std::cout << spec.name << " (default " << default_text(spec) << "): " << spec.help << '\n';
//   TrainOptions o;
//   set_train_option(o, "batch_size", int64_t{64});
//   check_train_options(o);  // ranges and names, with the messages of the table
//
// A plug-in declares an option of its own with declare_train_option(); its value lives in
// TrainOptions::extensions, and every binding above offers it like the built-in ones.
#pragma once

#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "hourglass/train/options.hpp"

namespace hourglass {

/// How an option is written and held (the alternative of OptionValue it takes).
enum class OptionType {
  flag,     ///< bool
  integer,  ///< int64_t
  number,   ///< double (a whole number is taken too)
  name,     ///< std::string, often one of choices()
  names,    ///< std::vector<std::string>; the command line writes them joined by commas
  seed,     ///< int64_t >= 0, or none (std::monostate): drawn afresh
};

/// "flag", "integer", "number", "name", "names", "seed".
const char* option_type_name(OptionType type);

struct OptionSpec {
  /// snake_case, as JSON, R and Python write it; the command line's flag is --kebab-case.
  std::string name;
  OptionType type = OptionType::number;
  /// What it does, one or two sentences without the default (default_text() gives it).
  std::string help;
  /// The default's meaning where its value does not say it (0 for learning_rate is "the
  /// optimizer's Keras default"); empty: the value itself.
  std::string default_note;
  /// Further names of its command-line flag ("lr" gives --lr).
  std::vector<std::string> aliases;
  /// False where each binding has a form of its own: verbose is -q/--quiet on the command
  /// line, and printing to the console in R and Python.
  bool in_bindings = true;
  /// A number's or whole number's accepted range, inclusive unless open.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false, max_open = false;
  /// The message for a value outside the range; "{}" stands for the value.
  std::string refusal;
  /// The valid names of a name or names option; empty function: any text.
  std::function<std::vector<std::string>()> choices;
  /// Further checks of a value (a name the registry does not know), throwing Error.
  std::function<void(const OptionValue&)> check;
  /// Read and write the option's value; a declared option may leave both empty, and is
  /// then kept in TrainOptions::extensions with `extension_default` as its default.
  std::function<OptionValue(const TrainOptions&)> get;
  std::function<void(TrainOptions&, const OptionValue&)> set;
  OptionValue extension_default;
};

/// Every option, the built-in ones in the order help lists them, then the declared ones.
const std::vector<OptionSpec>& train_option_specs();
/// The option called `name` (or one of its aliases); InvalidArgument listing the valid
/// names otherwise.
const OptionSpec& train_option_spec(const std::string& name);
/// Adds an option, stored in TrainOptions::extensions (get and set are filled in when
/// empty). InvalidArgument for a name already taken or an empty one.
void declare_train_option(OptionSpec spec);

/// The value of a fresh TrainOptions, as the bindings show it.
OptionValue default_value(const OptionSpec& spec);
/// The default as help prints it: the note, else the value ("32", "true", "none").
std::string default_text(const OptionSpec& spec);
/// A value as the command line writes it: "32", "0.5", "true", "none", "mae,mse".
std::string option_value_text(const OptionValue& value);
/// "mae, mse" -> {"mae", "mse"}: names as the command line writes them, joined by commas
/// (spaces ignored, empty items dropped).
std::vector<std::string> split_names(const std::string& text);
/// The command line's text for the option: "true"/"false", whole numbers, numbers,
/// names joined by commas, "none" for a seed. InvalidArgument naming the option and
/// the expected form.
OptionValue parse_option_value(const OptionSpec& spec, const std::string& text);

/// Sets one option, after checking that the value has the option's type (a whole number
/// for a number is converted) and is in its range; InvalidArgument otherwise.
void set_train_option(TrainOptions& options, const std::string& name, const OptionValue& value);
OptionValue get_train_option(const TrainOptions& options, const std::string& name);
/// Checks one option's value, or all of them: ranges and names, with the table's messages.
void check_train_option(const TrainOptions& options, const std::string& name);
void check_train_options(const TrainOptions& options);

/// Sets each option of `values` (by name) on `options`, except those named in `given`:
/// a recipe's options, where the user's own win (default_detector, the autoencode command).
void set_train_options_unless_given(TrainOptions& options,
                                    const std::vector<std::pair<std::string, OptionValue>>& values,
                                    const std::vector<std::string>& given);

/// Every option as one JSON object ({"epochs": 20, "seed": null, ...}).
std::string train_options_to_json(const TrainOptions& options);
/// The options of a JSON object, the others at their defaults (or as in `start`);
/// InvalidArgument for text that is not a JSON object, an unknown name or a wrong type.
TrainOptions train_options_from_json(const std::string& json, TrainOptions start = {});
/// The declaration itself as JSON: a list of {name, type, default, help, choices, min,
/// max, aliases}, for clients (the web page, documentation).
std::string train_option_specs_json();

}  // namespace hourglass
