#include "hourglass/train/option_specs.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "hourglass/data/scaler.hpp"
#include "hourglass/error.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/train/optimizers.hpp"
#include "io/json_text.hpp"
#include "train/option_json.hpp"
#include "train/precision.hpp"

namespace hourglass {

static_assert(TrainOptions::kMaxEnsemble == Model::kMaxNetworks, "an ensemble must fit in a model");

namespace {

using json = nlohmann::json;

constexpr double kUnbounded = std::numeric_limits<double>::infinity();

// A row of the table, written fluently: option("epochs", ...).range(...).field(...).
struct Row {
  OptionSpec spec;

  Row& note(std::string text) {
    spec.default_note = std::move(text);
    return *this;
  }
  Row& alias(std::string name) {
    spec.aliases.push_back(std::move(name));
    return *this;
  }
  Row& own_form_in_bindings() {
    spec.in_bindings = false;
    return *this;
  }
  Row& range(double min, double max, std::string refusal, bool max_open = false) {
    spec.min = min;
    spec.max = max;
    spec.max_open = max_open;
    spec.refusal = std::move(refusal);
    return *this;
  }
  Row& choices(std::function<std::vector<std::string>()> names, std::function<void(const OptionValue&)> check) {
    spec.choices = std::move(names);
    spec.check = std::move(check);
    return *this;
  }
  // Reads and writes the value as it is: a seed, which is a number or none.
  OptionSpec value(std::function<OptionValue(const TrainOptions&)> get,
                   std::function<void(TrainOptions&, const OptionValue&)> set) {
    spec.get = std::move(get);
    spec.set = std::move(set);
    return std::move(spec);
  }
  template <typename T, typename Get, typename Set>
  OptionSpec field(Get get, Set set) {
    spec.get = [get](const TrainOptions& o) { return OptionValue(T(get(o))); };
    spec.set = [set](TrainOptions& o, const OptionValue& v) { set(o, std::get<T>(v)); };
    return std::move(spec);
  }
};

Row option(std::string name, OptionType type, std::string help) {
  Row row;
  row.spec.name = std::move(name);
  row.spec.type = type;
  row.spec.help = std::move(help);
  return row;
}

// Where a name option's names are checked by their registry, which lists the valid ones.
std::function<void(const OptionValue&)> each_name(void (*check)(const std::string&)) {
  return [check](const OptionValue& value) {
    if (const auto* name = std::get_if<std::string>(&value)) check(*name);
    if (const auto* names = std::get_if<std::vector<std::string>>(&value))
      for (const auto& name : *names) check(name);
  };
}

void check_optimizer(const std::string& name) {
  if (!name.empty()) default_learning_rate(name);  // an unknown name lists the valid ones
}
void check_metric(const std::string& name) { metric_function(name); }
std::vector<std::string> copy(const std::vector<std::string>& names) { return names; }

// The built-in options, in the order help lists them.
// check-function-length: declarative table
std::vector<OptionSpec> builtin_specs() {
  using T = TrainOptions;
  using Names = std::vector<std::string>;
  const auto limit = std::to_string(TrainOptions::kMaxEnsemble);
  std::vector<OptionSpec> specs;
  specs.push_back(option("epochs", OptionType::integer, "passes over the data (when a run resumes, in all)")
                      .range(1, kUnbounded, "epochs must be at least 1, got {}")
                      .field<int64_t>([](const T& o) { return o.epochs(); }, [](T& o, int64_t v) { o.epochs(v); }));
  specs.push_back(
      option("batch_size", OptionType::integer, "rows per gradient step (per process when data-parallel)")
          .range(1, kUnbounded, "batch size must be at least 1, got {}")
          .field<int64_t>([](const T& o) { return o.batch_size(); }, [](T& o, int64_t v) { o.batch_size(v); }));
  specs.push_back(option("optimizer", OptionType::name, "the optimizer")
                      .note("rmsprop (ruta's) for a new model, the model's own when training continues")
                      .choices([] { return copy(optimizer_names()); }, each_name(check_optimizer))
                      .field<std::string>([](const T& o) { return o.optimizer(); },
                                          [](T& o, const std::string& v) { o.optimizer(v); }));
  specs.push_back(
      option("learning_rate", OptionType::number, "the optimizer's step size")
          .note("the optimizer's Keras default, or the model's rate when training continues")
          .alias("lr")
          .range(0, 1e38,  // the weights are float: a larger rate cannot even be applied
                 "learning rate must be positive and at most 1e38 (or 0 for the optimizer's default), got {}")
          .field<double>([](const T& o) { return o.learning_rate(); }, [](T& o, double v) { o.learning_rate(v); }));
  specs.push_back(option("momentum", OptionType::number, "momentum of sgd")
                      .range(0, 1, "momentum must be in [0, 1), got {}", /*max_open=*/true)
                      .field<double>([](const T& o) { return o.momentum(); }, [](T& o, double v) { o.momentum(v); }));
  specs.push_back(option("shuffle", OptionType::flag, "reshuffle the rows before every epoch")
                      .field<bool>([](const T& o) { return o.shuffle(); }, [](T& o, bool v) { o.shuffle(v); }));
  specs.push_back(option("validation_split", OptionType::number,
                         "share of rows, taken from the end of the data as Keras does, kept out of training to "
                         "report val_loss")
                      .range(0, 1, "validation split must be in [0, 1), got {}", /*max_open=*/true)
                      .field<double>([](const T& o) { return o.validation_split(); },
                                     [](T& o, double v) { o.validation_split(v); }));
  specs.push_back(
      option("seed", OptionType::seed,
             "fixed seed, a whole number >= 0: identical results on one thread; none draws one (kept in the model)")
          .note("none")
          .value([](const T& o) { return o.seed() ? OptionValue(static_cast<int64_t>(*o.seed())) : OptionValue(); },
                 [](T& o, const OptionValue& v) {
                   if (const auto* seed = std::get_if<int64_t>(&v)) {
                     o.seed(static_cast<uint64_t>(*seed));
                   } else {
                     o.seed(std::nullopt);
                   }
                 }));
  specs.push_back(
      option("scale", OptionType::name,
             "preprocessing fitted on the training data and kept in the model (training that continues "
             "keeps the model's)")
          .choices([] { return copy(scaler_names()); }, each_name(check_scaler))
          .field<std::string>([](const T& o) { return o.scale(); }, [](T& o, const std::string& v) { o.scale(v); }));
  specs.push_back(
      option("clip_grad_norm", OptionType::number,
             "rescale the gradient to at most this global L2 norm before each step (0: off)")
          .range(0, 1e308, "clip_grad_norm must be a finite number >= 0 (0: off), got {}")
          .field<double>([](const T& o) { return o.clip_grad_norm(); }, [](T& o, double v) { o.clip_grad_norm(v); }));
  specs.push_back(option("precision", OptionType::name,
                         "bf16: matrix products and convolutions in bfloat16 with fp32 weights (fp32 with a warning "
                         "where the CPU lacks bf16)")
                      .choices([] { return copy(precision_names()); }, each_name(check_precision))
                      .field<std::string>([](const T& o) { return o.precision(); },
                                          [](T& o, const std::string& v) { o.precision(v); }));
  specs.push_back(
      option("metrics", OptionType::names,
             "reported per epoch beside the loss (and val_ on validation data), as Keras's metrics")
          .choices([] { return copy(metric_names()); }, each_name(check_metric))
          .field<Names>([](const T& o) { return o.metrics(); }, [](T& o, const Names& v) { o.metrics(v); }));
  specs.push_back(option("verbose", OptionType::flag, "the network's summary, then a line per epoch, on stderr")
                      .own_form_in_bindings()
                      .field<bool>([](const T& o) { return o.verbose(); }, [](T& o, bool v) { o.verbose(v); }));
  specs.push_back(option("trim", OptionType::number,
                         "share of each batch's rows, those reconstructed worst, left out of its loss (0 to 0.5; "
                         "more than the expected contamination): outliers among the training rows are then not "
                         "learnt; scores and val_loss never trim")
                      .range(0, 0.5, "trim must be a share of rows from 0 (off) to 0.5, got {}")
                      .field<double>([](const T& o) { return o.trim(); }, [](T& o, double v) { o.trim(v); }));
  specs.push_back(option("ensemble", OptionType::integer,
                         "networks trained from seeds seed, seed + 1, ... and kept together: scores and "
                         "reconstructions are their means, steadier for anomaly detection")
                      .range(1, static_cast<double>(TrainOptions::kMaxEnsemble),
                             "ensemble: expected 1 to " + limit + " networks, got {}")
                      .field<int64_t>([](const T& o) { return o.ensemble(); }, [](T& o, int64_t v) { o.ensemble(v); }));
  specs.push_back(option("missing_indicators", OptionType::flag,
                         "a table's holes also as a 0/1 value per column that has them, read and reconstructed by "
                         "the network (scikit-learn's add_indicator)")
                      .field<bool>([](const T& o) { return o.missing_indicators(); },
                                   [](T& o, bool v) { o.missing_indicators(v); }));
  specs.push_back(
      option("other_level", OptionType::integer,
             "N >= 1: every categorical column gets the level \"(other)\" for its levels seen in fewer "
             "than N training rows and, when the model reads data, for levels training did not see "
             "(0: off)")
          .range(0, kUnbounded, "other_level must be 0 (off) or a count of training rows >= 1, got {}")
          .field<int64_t>([](const T& o) { return o.other_level(); }, [](T& o, int64_t v) { o.other_level(v); }));
  return specs;
}

std::vector<OptionSpec>& specs() {
  static std::vector<OptionSpec> table = builtin_specs();
  return table;
}

bool in_range(const OptionSpec& spec, double value) {
  return (spec.min_open ? value > spec.min : value >= spec.min) &&
         (spec.max_open ? value < spec.max : value <= spec.max);
}

// The row's message with the value in place of "{}" (after it, for a message without one).
std::string refusal(const OptionSpec& spec, const OptionValue& value) {
  std::string message = spec.refusal.empty() ? spec.name + " is out of range" : spec.refusal;
  const auto slot = message.find("{}");
  if (slot == std::string::npos) return message + ", got " + option_value_text(value);
  return message.replace(slot, 2, option_value_text(value));
}

void check_range(const OptionSpec& spec, const OptionValue& value) {
  const auto* whole = std::get_if<int64_t>(&value);
  const auto* number = std::get_if<double>(&value);
  if (whole || number) {
    const double x = whole ? static_cast<double>(*whole) : *number;
    if (!in_range(spec, x)) throw InvalidArgument(refusal(spec, value));
  }
}

// A whole number in a double (R has no integers to speak of), or nothing.
std::optional<int64_t> whole_number(double value) {
  if (!(std::abs(value) < 1e15) || value != std::floor(value)) return std::nullopt;
  return static_cast<int64_t>(value);
}

[[noreturn]] void wrong_type(const OptionSpec& spec, const OptionValue& value) {
  const char* expected[] = {"true or false", "a whole number",  "a number",
                            "a name",        "a list of names", "a whole number >= 0 or none"};
  throw InvalidArgument(spec.name + " must be " + expected[static_cast<int>(spec.type)] + ", got " +
                        option_value_text(value));
}

// The value in the alternative the option holds: whole numbers for numbers, whole doubles
// for whole numbers, a name for a list of one.
OptionValue coerce(const OptionSpec& spec, const OptionValue& value) {
  const auto* whole = std::get_if<int64_t>(&value);
  const auto* number = std::get_if<double>(&value);
  switch (spec.type) {
    case OptionType::flag:
      if (std::holds_alternative<bool>(value)) return value;
      break;
    case OptionType::integer:
      if (whole) return value;
      if (number && whole_number(*number)) return *whole_number(*number);
      break;
    case OptionType::number:
      if (number) return value;
      if (whole) return static_cast<double>(*whole);
      break;
    case OptionType::name:
      if (std::holds_alternative<std::string>(value)) return value;
      break;
    case OptionType::names:
      if (std::holds_alternative<std::vector<std::string>>(value)) return value;
      if (const auto* name = std::get_if<std::string>(&value)) return std::vector<std::string>{*name};
      break;
    case OptionType::seed:
      if (std::holds_alternative<std::monostate>(value) || (whole && *whole >= 0)) return value;
      if (number && whole_number(*number) && *number >= 0) return *whole_number(*number);
      break;
  }
  wrong_type(spec, value);
}

}  // namespace

const char* option_type_name(OptionType type) {
  const char* names[] = {"flag", "integer", "number", "name", "names", "seed"};
  return names[static_cast<int>(type)];
}

const std::vector<OptionSpec>& train_option_specs() { return specs(); }

const OptionSpec& train_option_spec(const std::string& name) {
  for (const auto& spec : specs()) {
    if (spec.name == name) return spec;
    for (const auto& alias : spec.aliases)
      if (alias == name) return spec;
  }
  std::vector<std::string> names;
  for (const auto& spec : specs()) names.push_back(spec.name);
  throw unknown_name("training option", name, names);
}

void declare_train_option(OptionSpec spec) {
  if (spec.name.empty()) throw InvalidArgument("declare_train_option: expected a name, got none");
  for (const auto& other : specs()) {
    if (other.name == spec.name) throw InvalidArgument("declare_train_option: '" + spec.name + "' is taken");
  }
  if (!spec.get) {
    spec.extension_default = coerce(spec, spec.extension_default);
    spec.get = [name = spec.name, initial = spec.extension_default](const TrainOptions& o) {
      const auto found = o.extensions.find(name);
      return found == o.extensions.end() ? initial : found->second;
    };
  }
  if (!spec.set) {
    spec.set = [name = spec.name](TrainOptions& o, const OptionValue& v) { o.extensions[name] = v; };
  }
  coerce(spec, spec.get(TrainOptions{}));  // its default has its type
  specs().push_back(std::move(spec));
}

OptionValue default_value(const OptionSpec& spec) { return spec.get(TrainOptions{}); }

std::string default_text(const OptionSpec& spec) {
  if (!spec.default_note.empty()) return spec.default_note;
  const std::string text = option_value_text(default_value(spec));
  return text.empty() ? "none" : text;  // an empty list
}

std::string option_value_text(const OptionValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return "none";
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  if (const auto* whole = std::get_if<int64_t>(&value)) return std::to_string(*whole);
  if (const auto* number = std::get_if<double>(&value)) return format_number(*number);
  if (const auto* name = std::get_if<std::string>(&value)) return *name;
  return join(std::get<std::vector<std::string>>(value), ",");
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> names;
  std::string name;
  for (char c : text + ",") {
    if (c == ',') {
      if (!name.empty()) names.push_back(name);
      name.clear();
    } else if (c != ' ') {
      name += c;
    }
  }
  return names;
}

OptionValue parse_option_value(const OptionSpec& spec, const std::string& text) {
  switch (spec.type) {
    case OptionType::flag:
      if (text != "true" && text != "false") wrong_type(spec, text);
      return text == "true";
    case OptionType::name:
      return text;
    case OptionType::names:
      return split_names(text);
    case OptionType::seed:
      if (text == "none") return std::monostate{};
      [[fallthrough]];
    default:
      break;
  }
  // Whole numbers exactly, to int64's limits (no rounding through a double).
  size_t used = 0;
  OptionValue value;
  try {
    value = spec.type == OptionType::number ? OptionValue(std::stod(text, &used))
                                            : OptionValue(static_cast<int64_t>(std::stoll(text, &used)));
  } catch (const std::logic_error&) {  // not a number, or out of range
    wrong_type(spec, text);
  }
  if (used != text.size()) wrong_type(spec, text);
  return coerce(spec, value);
}

void set_train_option(TrainOptions& options, const std::string& name, const OptionValue& value) {
  const OptionSpec& spec = train_option_spec(name);
  const OptionValue coerced = coerce(spec, value);
  check_range(spec, coerced);
  if (spec.check) spec.check(coerced);
  spec.set(options, coerced);
}

OptionValue get_train_option(const TrainOptions& options, const std::string& name) {
  return train_option_spec(name).get(options);
}

void check_train_option(const TrainOptions& options, const std::string& name) {
  const OptionSpec& spec = train_option_spec(name);
  const OptionValue value = spec.get(options);
  check_range(spec, value);
  if (spec.check) spec.check(value);
}

void set_train_options_unless_given(TrainOptions& options,
                                    const std::vector<std::pair<std::string, OptionValue>>& values,
                                    const std::vector<std::string>& given) {
  for (const auto& [name, value] : values) {
    if (std::find(given.begin(), given.end(), name) == given.end()) set_train_option(options, name, value);
  }
}

void check_train_options(const TrainOptions& options) {
  for (const auto& spec : specs()) check_train_option(options, spec.name);
}

json option_value_to_json(const OptionValue& value) { return variant_to_json(value); }

OptionValue option_value_from_json(const OptionSpec& spec, const json& value) {
  OptionValue read;
  if (value.is_boolean()) {
    read = value.get<bool>();
  } else if (value.is_number_integer()) {
    read = value.get<int64_t>();
  } else if (value.is_number()) {
    read = value.get<double>();
  } else if (value.is_string()) {
    read = value.get<std::string>();
  } else if (value.is_null() && spec.type == OptionType::seed) {
    read = std::monostate{};
  } else if (value.is_array() && spec.type == OptionType::names &&
             std::all_of(value.begin(), value.end(), [](const json& item) { return item.is_string(); })) {
    read = value.get<std::vector<std::string>>();
  } else {
    // The type's name, never the value: a refused value may be deep or huge.
    throw InvalidArgument(spec.name + " must be " + option_type_name(spec.type) + ", got a JSON " + value.type_name());
  }
  return read;
}

json train_options_json(const TrainOptions& options) {
  json out = json::object();
  for (const auto& spec : specs()) out[spec.name] = option_value_to_json(spec.get(options));
  return out;
}

void set_train_option_json(TrainOptions& options, const std::string& name, const json& value) {
  set_train_option(options, name, option_value_from_json(train_option_spec(name), value));
}

std::string train_options_to_json(const TrainOptions& options) { return train_options_json(options).dump(); }

TrainOptions train_options_from_json(const std::string& text, TrainOptions start) {
  const json in = parse_json(text, "the training options");
  if (in.is_discarded()) {
    throw InvalidArgument(
        "expected the training options as a JSON object, e.g. {\"epochs\": 20}; the text is not "
        "JSON");
  }
  if (!in.is_object()) {
    throw InvalidArgument(std::string("expected the training options as a JSON object, got a JSON ") + in.type_name());
  }
  for (const auto& [name, value] : in.items()) set_train_option_json(start, name, value);
  return start;
}

std::string train_option_specs_json() {
  json out = json::array();
  for (const auto& spec : specs()) {
    json row = {{"name", spec.name},
                {"type", option_type_name(spec.type)},
                {"default", option_value_to_json(default_value(spec))},
                {"default_text", default_text(spec)},
                {"help", spec.help},
                {"aliases", spec.aliases},
                {"in_bindings", spec.in_bindings}};
    if (spec.choices) row["choices"] = spec.choices();
    if (std::isfinite(spec.min)) row["min"] = spec.min;
    if (std::isfinite(spec.max)) row["max"] = spec.max;
    out.push_back(row);
  }
  return out.dump();
}

}  // namespace hourglass
