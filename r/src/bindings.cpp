// The functions the package's R code calls (through RcppExports). Each turns a library
// error into an R error with the same message, and none lets an R error jump over C++
// frames: warnings are queued and raised by the R side once the call has returned.
#include <ATen/ATen.h>
#include <R_ext/Utils.h>
#include <Rcpp.h>

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "hourglass/data/dataset.hpp"
#include "hourglass/data/table_coding.hpp"
#include "hourglass/error.hpp"
#include "hourglass/export/onnx.hpp"
#include "hourglass/model/baseline.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/model/pca.hpp"
#include "hourglass/network/layer_kind.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/report/report.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/callback_kind.hpp"
#include "hourglass/train/callbacks.hpp"
#include "hourglass/train/detector.hpp"
#include "hourglass/train/option_specs.hpp"
#include "hourglass/train/train.hpp"
#include "hourglass/variants/variant_kind.hpp"

namespace {

using hourglass::Model;
using ModelPointer = Rcpp::XPtr<Model>;

std::vector<std::string> queued_warnings;

// Runs `body`, giving R a plain error (no C++ call in it) for any exception.
template <typename Body>
auto guarded(Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const Rcpp::exception&) {
    throw;
  } catch (const std::exception& e) {
    throw Rcpp::exception(e.what(), /*include_call=*/false);
  }
}

const Model& model_of(SEXP pointer) {
  const ModelPointer model(pointer);
  if (model.get() == nullptr) {
    throw hourglass::InvalidArgument(
        "this model's weights are not in memory (an R session restored from disk keeps only the R object); "
        "save models with save_as() and read them with load_from()");
  }
  return *model;
}

SEXP wrap_model(const Model& model) { return ModelPointer(new Model(model), true); }

Rcpp::List model_to_r(const Model& model) {
  return Rcpp::List::create(Rcpp::Named("model") = wrap_model(model),
                            Rcpp::Named("learner") = hourglass::r::learner_to_r(model.learner()),
                            Rcpp::Named("history") = hourglass::r::history_to_r(model.history()),
                            Rcpp::Named("stop_reason") = model.history().stop_reason);
}

void check_interrupt(void*) { R_CheckUserInterrupt(); }

// True when the user pressed Ctrl-C: R_ToplevelExec catches the interrupt's jump, so it
// never crosses the training loop's frames.
bool user_interrupted() { return R_ToplevelExec(check_interrupt, nullptr) == FALSE; }

// What the option `name` expects, as an R user writes it.
std::string expected_in_r(const std::string& name) {
  switch (hourglass::train_option_spec(name).type) {
    case hourglass::OptionType::flag:
      return "TRUE or FALSE";
    case hourglass::OptionType::integer:
    case hourglass::OptionType::seed:
      return "a whole number";
    case hourglass::OptionType::number:
      return "a number";
    default:
      return "a name";
  }
}

// An R value as the option value it reads as: TRUE/FALSE, a number, a name, names.
hourglass::OptionValue option_value_from_r(const std::string& name, SEXP value) {
  if (Rf_isNull(value)) return std::monostate{};
  if (Rf_isString(value)) {
    const auto names = Rcpp::as<std::vector<std::string>>(value);
    if (names.size() == 1) return names[0];
    return names;
  }
  if (Rf_length(value) != 1 || !(Rf_isLogical(value) || Rf_isNumeric(value))) {
    throw hourglass::InvalidArgument("train(): " + name + " must be " + expected_in_r(name) + ", got " +
                                     (Rf_length(value) != 1 ? std::to_string(Rf_length(value)) + " values"
                                                            : std::string("a ") + Rf_type2char(TYPEOF(value))));
  }
  const bool missing = Rf_isLogical(value) ? LOGICAL(value)[0] == NA_LOGICAL : std::isnan(Rcpp::as<double>(value));
  if (missing) throw hourglass::InvalidArgument("train(): " + name + " must be " + expected_in_r(name) + ", got NA");
  if (Rf_isLogical(value)) return LOGICAL(value)[0] != 0;
  return Rcpp::as<double>(value);
}

// The options train() was given, each set through its declaration (option_specs.hpp); R
// drops a list element set to NULL, so an absent name keeps its default.
hourglass::TrainOptions train_options(const Rcpp::List& options) {
  hourglass::TrainOptions o;
  for (const auto& spec : hourglass::train_option_specs()) {
    if (!spec.in_bindings || !options.containsElementNamed(spec.name.c_str())) continue;
    hourglass::set_train_option(o, spec.name, option_value_from_r(spec.name, options[spec.name]));
  }
  return o;
}

// The trainer R callbacks may stop (stop_training()), while a training runs.
hourglass::Trainer* current_trainer = nullptr;

// An epoch's logs as R's named list: epoch, then each value.
Rcpp::List logs_to_r(const hourglass::EpochRecord& logs) {
  Rcpp::List out;
  out["epoch"] = static_cast<double>(logs.epoch);
  for (const auto& [name, value] : logs.values) out[name] = value;
  return out;
}

// An R function called from a training hook. An R error in it unwinds the C++ frames
// as an exception (Rcpp's unwind protection) and is raised again in R.
hourglass::LambdaCallback r_lambda(const Rcpp::List& spec) {
  hourglass::LambdaCallback callback;
  const auto function = [&](const char* name) -> std::optional<Rcpp::Function> {
    if (!spec.containsElementNamed(name) || Rf_isNull(spec[name])) return std::nullopt;
    return Rcpp::Function(spec[name]);
  };
  if (auto f = function("on_train_begin")) {
    callback.train_begin = [f](hourglass::Trainer&) { (*f)(Rcpp::List()); };
  }
  if (auto f = function("on_epoch_begin")) {
    callback.epoch_begin = [f](hourglass::Trainer&, int64_t epoch) { (*f)(static_cast<double>(epoch), Rcpp::List()); };
  }
  if (auto f = function("on_batch_end")) {
    callback.batch_end = [f](hourglass::Trainer&, const hourglass::BatchLogs& logs) {
      (*f)(static_cast<double>(logs.batch), Rcpp::List::create(Rcpp::Named("batch") = static_cast<double>(logs.batch),
                                                               Rcpp::Named("size") = static_cast<double>(logs.rows),
                                                               Rcpp::Named("loss") = logs.loss.item<double>()));
    };
  }
  if (auto f = function("on_epoch_end")) {
    callback.epoch_end = [f](hourglass::Trainer&, hourglass::EpochRecord& logs) {
      (*f)(static_cast<double>(logs.epoch), logs_to_r(logs));
    };
  }
  if (auto f = function("on_train_end")) {
    callback.train_end = [f](hourglass::Trainer&, const hourglass::TrainEnd& end) {
      (*f)(Rcpp::List::create(Rcpp::Named("stop_reason") = end.stop_reason));
    };
  }
  return callback;
}

// list(type = "early_stopping", ...) as the R constructors make them: a declared callback
// (callback_kind.hpp) from its arguments by name, a NULL one at its default; or one that
// calls R functions.
hourglass::CallbackRef callback_from_r(const Rcpp::List& spec) {
  using namespace hourglass;
  const auto type = Rcpp::as<std::string>(spec["type"]);
  if (type == "lambda") return r_lambda(spec);
  if (type == "learning_rate_scheduler") {
    const Rcpp::Function schedule(spec["schedule"]);
    return LearningRateScheduler([schedule](int64_t epoch, double rate) {
      return Rcpp::as<double>(schedule(static_cast<double>(epoch), rate));
    });
  }
  const CallbackKind& kind = callback_kind(type);
  Arguments arguments;
  for (const auto& parameter : kind.parameters) {
    const char* name = parameter.name().c_str();
    if (spec.containsElementNamed(name) && !Rf_isNull(spec[name])) {
      arguments.emplace_back(parameter.name(), r::argument_from_r(spec[name], parameter, "callback_" + kind.name));
    }
  }
  return make_callback(type, arguments);
}

// Runs a training with the R callbacks, Ctrl-C polled after every batch and the epochs
// printed to R's console when `verbose`.
template <typename Training>
Rcpp::List train_from_r(const Rcpp::List& options, SEXP validation_data, bool verbose, const Rcpp::List& callbacks,
                        Training training) {
  auto o = train_options(options);
  if (!Rf_isNull(validation_data)) o.validation_data(hourglass::r::tensor_from_r(validation_data, "validation_data"));
  hourglass::Callbacks list;
  for (R_xlen_t i = 0; i < callbacks.size(); ++i) list.push_back(callback_from_r(callbacks[i]));
  bool interrupted = false;
  hourglass::LambdaCallback console;
  console.train_begin = [](hourglass::Trainer& trainer) { current_trainer = &trainer; };
  console.batch_end = [&interrupted](hourglass::Trainer&, const hourglass::BatchLogs&) {
    if (!interrupted && user_interrupted()) {
      interrupted = true;
      hourglass::request_stop();
    }
  };
  if (verbose) {
    console.epoch_end = [](hourglass::Trainer& trainer, hourglass::EpochRecord& record) {
      Rprintf("%s\n", hourglass::format_progress(record, trainer.final_epoch()).c_str());
      R_FlushConsole();
    };
  }
  list.insert(list.begin(), console);
  struct Clear {
    ~Clear() { current_trainer = nullptr; }
  } clear;
  return model_to_r(training(o, list));
}

}  // namespace

// A table from R (as_data() of a data frame): the matrix, its columns' names, and the
// levels of its categorical columns from the attribute "hourglass_levels".
hourglass::Dataset table_from_r(SEXP data, const char* what) {
  hourglass::Dataset table;
  table.features = hourglass::r::tensor_from_r(data, what);
  const SEXP levels = Rf_getAttrib(data, Rf_install("hourglass_levels"));
  if (Rf_isNull(levels)) return table;
  for (R_xlen_t c = 0; c < Rf_xlength(levels); ++c) {
    table.levels.push_back(Rcpp::as<std::vector<std::string>>(VECTOR_ELT(levels, c)));
  }
  const SEXP names = Rf_getAttrib(data, R_DimNamesSymbol);
  if (!Rf_isNull(names) && !Rf_isNull(VECTOR_ELT(names, 1))) {
    table.columns = Rcpp::as<std::vector<std::string>>(VECTOR_ELT(names, 1));
  }
  return table;
}

// Data for a trained model: a table's categories in the model's levels.
at::Tensor model_input(const Model& model, SEXP data, const char* what = "data") {
  const auto table = table_from_r(data, what);
  return table.levels.empty() ? table.features : model.coding().conform(table);
}

// [[Rcpp::export]]
void hg_init() {
  hourglass::set_warning_handler([](const std::string& message) { queued_warnings.push_back(message); });
}

// [[Rcpp::export]]
Rcpp::CharacterVector hg_take_warnings() {
  Rcpp::CharacterVector messages(queued_warnings.begin(), queued_warnings.end());
  queued_warnings.clear();
  return messages;
}

// The training options' declaration: a list per option (name, type, default, help,
// choices), for train()'s checks and train_options().
// [[Rcpp::export]]
Rcpp::List hg_train_option_specs() {
  return guarded([&] {
    Rcpp::List out;
    for (const auto& spec : hourglass::train_option_specs()) {
      if (!spec.in_bindings) continue;
      out.push_back(Rcpp::List::create(
          Rcpp::Named("name") = spec.name, Rcpp::Named("type") = hourglass::option_type_name(spec.type),
          Rcpp::Named("default") = hourglass::r::option_value_to_r(hourglass::default_value(spec)),
          Rcpp::Named("default_text") = hourglass::default_text(spec), Rcpp::Named("help") = spec.help,
          Rcpp::Named("choices") = spec.choices ? Rcpp::wrap(spec.choices()) : R_NilValue));
    }
    return out;
  });
}

// Declares a training option of a plug-in (declare_train_option), kept in the options'
// extensions: what a C++ plug-in does when R loads it, for the package's tests.
// [[Rcpp::export]]
void hg_declare_train_option(std::string name, std::string type, SEXP initial, std::string help) {
  guarded([&] {
    hourglass::OptionSpec spec;
    spec.name = name;
    spec.help = help;
    bool known = false;
    for (auto t : {hourglass::OptionType::flag, hourglass::OptionType::integer, hourglass::OptionType::number,
                   hourglass::OptionType::name, hourglass::OptionType::names, hourglass::OptionType::seed}) {
      if (type == hourglass::option_type_name(t)) {
        spec.type = t;
        known = true;
      }
    }
    if (!known) throw hourglass::InvalidArgument("unknown option type '" + type + "'");
    spec.extension_default = option_value_from_r(name, initial);
    hourglass::declare_train_option(spec);
  });
}

// [[Rcpp::export]]
void hg_check_activation(std::string name) {
  guarded([&] { hourglass::check_activation(name); });
}

// [[Rcpp::export]]
int hg_encoding_index(Rcpp::List layers) {
  return guarded([&] { return static_cast<int>(hourglass::r::network_from_r(layers).encoding_index()) + 1; });
}

// [[Rcpp::export]]
void hg_check_layer(Rcpp::List layer) {
  guarded([&] { hourglass::r::network_from_r(Rcpp::List::create(layer)); });
}

// [[Rcpp::export]]
void hg_check_noise(Rcpp::List noise) {
  guarded([&] { hourglass::r::noise_from_r(noise); });
}

// [[Rcpp::export]]
Rcpp::List hg_network_from_sizes(std::vector<int64_t> sizes) {
  return guarded([&] { return hourglass::r::network_to_r(hourglass::Network::from_sizes(sizes)); });
}

// [[Rcpp::export]]
void hg_check_learner(Rcpp::List learner) {
  guarded([&] { hourglass::r::learner_from_r(learner); });
}

// [[Rcpp::export]]
Rcpp::List hg_train(Rcpp::List learner, SEXP data, SEXP validation_data, Rcpp::List options, bool verbose,
                    Rcpp::List callbacks) {
  return guarded([&] {
    const auto core = hourglass::r::learner_from_r(learner);
    const auto table = table_from_r(data, "data");
    return train_from_r(options, validation_data, verbose, callbacks,
                        [&](const hourglass::TrainOptions& o, const hourglass::Callbacks& list) {
                          // A table's categories and names go into the model.
                          return table.levels.empty() ? hourglass::train(core, table.features, o, list)
                                                      : hourglass::train(core, table, o, list);
                        });
  });
}

// [[Rcpp::export]]
Rcpp::List hg_train_more(SEXP model, SEXP data, SEXP validation_data, Rcpp::List options, bool verbose,
                         Rcpp::List callbacks) {
  return guarded([&] {
    const Model& trained = model_of(model);
    const auto x = model_input(trained, data);
    return train_from_r(options, validation_data, verbose, callbacks,
                        [&](const hourglass::TrainOptions& o, const hourglass::Callbacks& list) {
                          return hourglass::train(trained, x, o, list);
                        });
  });
}

// [[Rcpp::export]]
void hg_stop_training(std::string reason) {
  guarded([&] {
    if (!current_trainer) {
      throw hourglass::InvalidArgument("stop_training() works inside a callback, while train() runs");
    }
    current_trainer->stop(reason);
  });
}

// [[Rcpp::export]]
Rcpp::List hg_layer_kinds() {
  return guarded([&] {
    Rcpp::List kinds;
    for (const hourglass::LayerKind* kind : hourglass::layer_kinds()) {
      const Rcpp::List parameters = hourglass::r::parameters_to_r(kind->parameters());
      kinds[kind->name()] =
          Rcpp::List::create(Rcpp::Named("help") = kind->help(), Rcpp::Named("parameters") = parameters);
    }
    return kinds;
  });
}

// The variants' declaration (variant_kinds()), by name: help, property, is_type, parameters.
// [[Rcpp::export]]
Rcpp::List hg_variant_kinds() {
  return guarded([&] {
    Rcpp::List kinds;
    for (const auto& kind : hourglass::variant_kinds()) {
      kinds[kind.name] = Rcpp::List::create(Rcpp::Named("help") = kind.help, Rcpp::Named("property") = kind.property,
                                            Rcpp::Named("is_type") = kind.is_type,
                                            Rcpp::Named("parameters") = hourglass::r::parameters_to_r(kind.parameters));
    }
    return kinds;
  });
}

// The declared callbacks (callback_kinds()), by name: class_name, help, parameters.
// [[Rcpp::export]]
Rcpp::List hg_callback_kinds() {
  return guarded([&] {
    Rcpp::List kinds;
    for (const auto& kind : hourglass::callback_kinds()) {
      kinds[kind.name] =
          Rcpp::List::create(Rcpp::Named("class_name") = kind.class_name, Rcpp::Named("help") = kind.help,
                             Rcpp::Named("parameters") = hourglass::r::parameters_to_r(kind.parameters));
    }
    return kinds;
  });
}

// The learner's types as the library names them ("basic" for none).
// [[Rcpp::export]]
std::vector<std::string> hg_learner_types(Rcpp::List learner) {
  return guarded([&] { return hourglass::r::learner_from_r(learner).types(); });
}

// [[Rcpp::export]]
Rcpp::List hg_configure(SEXP threads, SEXP device) {
  return guarded([&] {
    if (!Rf_isNull(threads)) hourglass::set_threads(Rcpp::as<int>(threads));
    if (!Rf_isNull(device)) {
      const auto name = Rcpp::as<std::string>(device);
      if (name != "cpu") {
        throw hourglass::InvalidArgument("device '" + name +
                                         "' is not available: this build of Hourglass runs on "
                                         "the CPU (build it against a CUDA LibTorch for cuda)");
      }
    }
    hourglass::init_runtime();
    return Rcpp::List::create(Rcpp::Named("threads") = hourglass::threads(), Rcpp::Named("device") = "cpu",
                              Rcpp::Named("blas") = hourglass::blas_name());
  });
}

// [[Rcpp::export]]
SEXP hg_encode(SEXP model, SEXP data, bool sample) {
  return guarded([&] {
    const Model& m = model_of(model);
    return hourglass::r::tensor_to_r(m.encode(model_input(m, data), sample));
  });
}

// [[Rcpp::export]]
SEXP hg_decode(SEXP model, SEXP codes) {
  return guarded(
      [&] { return hourglass::r::tensor_to_r(model_of(model).decode(hourglass::r::tensor_from_r(codes, "codes"))); });
}

// [[Rcpp::export]]
SEXP hg_reconstruct(SEXP model, SEXP data) {
  return guarded([&] {
    const Model& m = model_of(model);
    return hourglass::r::tensor_to_r(m.reconstruct(model_input(m, data)));
  });
}

// [[Rcpp::export]]
SEXP hg_impute(SEXP model, SEXP data) {
  return guarded([&] {
    const Model& m = model_of(model);
    return hourglass::r::tensor_to_r(m.impute(model_input(m, data)));
  });
}

// The names and levels of a table's columns as the model keeps them (both empty for a
// model of numbers).
// [[Rcpp::export]]
Rcpp::List hg_table_columns(SEXP model) {
  return guarded([&] {
    const auto& coding = model_of(model).coding();
    Rcpp::List levels;
    for (const auto& l : coding.levels()) levels.push_back(Rcpp::wrap(l));
    return Rcpp::List::create(Rcpp::Named("names") = Rcpp::wrap(coding.names()), Rcpp::Named("levels") = levels);
  });
}

// [[Rcpp::export]]
SEXP hg_generate(SEXP model, std::vector<int64_t> dimensions, double from, double to, int64_t side,
                 double fixed_value) {
  return guarded(
      [&] { return hourglass::r::tensor_to_r(model_of(model).generate(dimensions, from, to, side, fixed_value)); });
}

// [[Rcpp::export]]
SEXP hg_encode_shaped(SEXP model, SEXP data, bool sample) {
  return guarded([&] {
    const Model& m = model_of(model);
    auto codes = m.encode(model_input(m, data), sample);
    std::vector<int64_t> shape{codes.size(0)};
    for (int64_t side : m.code_shape()) shape.push_back(side);
    return hourglass::r::tensor_to_r(codes.reshape(shape));
  });
}

// [[Rcpp::export]]
Rcpp::NumericVector hg_evaluate(SEXP model, SEXP data, std::vector<std::string> metrics) {
  return guarded([&] {
    const Model& m = model_of(model);
    const auto values = m.evaluate(model_input(m, data), metrics);
    Rcpp::NumericVector result;
    for (const auto& name : metrics) result.push_back(values.at(name), name);
    return result;
  });
}

// ---- Anomaly scores and thresholds ----

// [[Rcpp::export]]
SEXP hg_score(SEXP model, SEXP data, std::string kind, int64_t samples, bool per_feature, double seed) {
  return guarded([&] {
    at::manual_seed(static_cast<uint64_t>(seed));  // the elbo's draws follow set.seed()
    const Model& m = model_of(model);
    const auto x = model_input(m, data);
    if (!per_feature) {
      const auto scores =
          m.score(x, hourglass::ScoreOptions().kind(kind).samples(samples)).to(at::kDouble).contiguous();
      return Rcpp::NumericVector(scores.data_ptr<double>(), scores.data_ptr<double>() + scores.numel());
    }
    if (kind != "reconstruction") {
      throw hourglass::InvalidArgument("anomaly_score: per-feature shares split the reconstruction score, not " + kind);
    }
    // Rows x values, filled column by column as R stores a matrix.
    const auto shares = m.score_per_feature(x).to(at::kDouble).t().contiguous();
    Rcpp::NumericVector values(shares.data_ptr<double>(), shares.data_ptr<double>() + shares.numel());
    values.attr("dim") = Rcpp::Dimension(shares.size(1), shares.size(0));
    return values;
  });
}

Rcpp::List threshold_to_r(const hourglass::Threshold& t) {
  return Rcpp::List::create(Rcpp::Named("value") = t.value, Rcpp::Named("rule") = t.rule,
                            Rcpp::Named("score") = t.score, Rcpp::Named("samples") = static_cast<double>(t.samples),
                            Rcpp::Named("rows") = static_cast<double>(t.rows));
}

// [[Rcpp::export]]
SEXP hg_threshold(SEXP model) {
  return guarded([&]() -> SEXP {
    const auto& threshold = model_of(model).threshold();
    return threshold ? Rcpp::wrap(threshold_to_r(*threshold)) : R_NilValue;
  });
}

// A new model (the weights shared) with the threshold: the R object given keeps its own.
// [[Rcpp::export]]
SEXP hg_set_threshold(SEXP model, SEXP data, std::string rule, std::string kind, int64_t samples, double seed) {
  return guarded([&] {
    at::manual_seed(static_cast<uint64_t>(seed));
    Model changed = model_of(model);
    // A number needs no data; a rule without data is refused by score().
    const auto x = Rf_isNull(data) ? at::Tensor() : model_input(changed, data);
    changed.set_threshold(x, rule, hourglass::ScoreOptions().kind(kind).samples(samples));
    return wrap_model(changed);
  });
}

// [[Rcpp::export]]
Rcpp::LogicalVector hg_is_outlier(SEXP model, SEXP data, double seed) {
  return guarded([&] {
    at::manual_seed(static_cast<uint64_t>(seed));
    const Model& m = model_of(model);
    const auto flags = m.is_outlier(model_input(m, data)).contiguous();
    const bool* flag = flags.data_ptr<bool>();
    return Rcpp::LogicalVector(flag, flag + flags.numel());
  });
}

// [[Rcpp::export]]
double hg_parameter_count(SEXP model) {
  return guarded([&] { return static_cast<double>(model_of(model).parameter_count()); });
}

// [[Rcpp::export]]
std::string hg_model_summary(SEXP model) {
  return guarded([&] { return model_of(model).summary(); });
}

// The summary and the count of a learner's network for samples of `shape`, before
// training (ruta's configure(learner, input_shape)); InvalidArgument when it does not fit.
// [[Rcpp::export]]
Rcpp::List hg_learner_summary(Rcpp::List learner, Rcpp::NumericVector shape) {
  return guarded([&] {
    const auto network = hourglass::r::learner_from_r(learner).network;
    const hourglass::Shape sample(shape.begin(), shape.end());
    return Rcpp::List::create(Rcpp::Named("summary") = network.summary(sample),
                              Rcpp::Named("params") = static_cast<double>(network.parameter_count(sample)));
  });
}

// [[Rcpp::export]]
Rcpp::IntegerVector hg_sample_shape(SEXP model) {
  return guarded([&] {
    const auto& shape = model_of(model).sample_shape();
    return Rcpp::IntegerVector(shape.begin(), shape.end());
  });
}

// [[Rcpp::export]]
void hg_save(SEXP model, std::string path) {
  guarded([&] { model_of(model).save(path); });
}

// threshold: NA for none; columns: empty for none.
// [[Rcpp::export]]
void hg_export_onnx(SEXP model, std::string path, std::string part, double threshold,
                    std::vector<std::string> columns) {
  guarded([&] {
    auto options = hourglass::OnnxExportOptions().part(part).columns(columns);
    if (!ISNAN(threshold)) options.threshold(threshold);
    hourglass::export_onnx(model_of(model), path, options);
  });
}

// [[Rcpp::export]]
Rcpp::List hg_load(std::string path) {
  return guarded([&] { return model_to_r(Model::load(path)); });
}

// [[Rcpp::export]]
SEXP hg_apply_noise(Rcpp::List noise, SEXP data, double seed) {
  return guarded([&] {
    at::manual_seed(static_cast<uint64_t>(seed));
    return hourglass::r::tensor_to_r(
        hourglass::apply_noise(hourglass::r::noise_from_r(noise), hourglass::r::tensor_from_r(data, "data")));
  });
}

// [[Rcpp::export]]
Rcpp::List hg_pca(SEXP data, int64_t k) {
  return guarded([&] {
    const auto x = hourglass::r::tensor_from_r(data, "data");
    const auto rows = x.reshape({x.size(0), -1});
    const auto p = hourglass::pca(rows, k);
    const auto codes = p.encode(rows);
    const auto back = p.decode(codes);
    const double total = rows.var(0).sum().item<double>();
    return Rcpp::List::create(
        Rcpp::Named("x") = hourglass::r::tensor_to_r(codes),
        Rcpp::Named("reconstruction") = hourglass::r::tensor_to_r(back.reshape(x.sizes())),
        Rcpp::Named("explained_variance") = hourglass::r::tensor_to_r(p.explained_variance().unsqueeze(0)),
        Rcpp::Named("explained_share") = total > 0 ? p.explained_variance().sum().item<double>() / total : 1.0,
        Rcpp::Named("mse") = (back - rows).square().mean().item<double>(),
        Rcpp::Named("rotation") = hourglass::r::tensor_to_r(p.components().t().contiguous()),
        Rcpp::Named("center") = hourglass::r::tensor_to_r(p.mean().unsqueeze(0)));
  });
}

// [[Rcpp::export]]
Rcpp::List hg_default_detector(double columns, double rows) {
  return guarded([&] {
    const hourglass::DetectorRecipe recipe =
        hourglass::default_detector(static_cast<int64_t>(columns), static_cast<int64_t>(rows));
    Rcpp::List options;
    for (const auto& [name, value] : recipe.options) options[name] = hourglass::r::option_value_to_r(value);
    return Rcpp::List::create(
        Rcpp::Named("network") = hourglass::r::network_to_r(hourglass::parse_network(recipe.network)),
        Rcpp::Named("options") = options);
  });
}

// [[Rcpp::export]]
Rcpp::List hg_compare_with_pca(SEXP model, SEXP data) {
  return guarded([&] {
    const Model& m = model_of(model);
    const auto x = model_input(m, data);
    const auto c = hourglass::compare_with_pca(m, x.reshape({x.size(0), -1}));
    Rcpp::CharacterVector measure, better;
    Rcpp::NumericVector ours, theirs;
    const auto add = [&](const char* name, const std::optional<double>& a, const std::optional<double>& b,
                         const char* direction) {
      if (!a) return;
      measure.push_back(name), better.push_back(direction), ours.push_back(*a), theirs.push_back(*b);
    };
    add("mse", c.mse, c.pca_mse, "lower");
    add("categories_reconstructed", c.accuracy, c.pca_accuracy, "higher");
    return Rcpp::List::create(Rcpp::Named("k") = static_cast<double>(c.k),
                              Rcpp::Named("rows") = static_cast<double>(c.rows), Rcpp::Named("measure") = measure,
                              Rcpp::Named("autoencoder") = ours, Rcpp::Named("pca") = theirs,
                              Rcpp::Named("better") = better);
  });
}

// [[Rcpp::export]]
Rcpp::List hg_read_data(std::string path, std::string label, double first, double count) {
  return guarded([&] {
    const auto data = hourglass::read_data(path, hourglass::ReadOptions()
                                                     .label(label)
                                                     .first_row(static_cast<int64_t>(first))
                                                     .row_count(static_cast<int64_t>(count)));
    SEXP x = PROTECT(hourglass::r::tensor_to_r(data.samples()));
    if (data.sample_shape.empty()) {
      Rf_setAttrib(x, R_DimNamesSymbol,
                   Rcpp::List::create(R_NilValue, Rcpp::CharacterVector(data.columns.begin(), data.columns.end())));
    }
    if (data.has_categories()) {  // read_data() makes a data frame of it
      Rcpp::List levels;
      for (const auto& l : data.levels) levels.push_back(Rcpp::wrap(l));
      Rf_setAttrib(x, Rf_install("hourglass_levels"), levels);
    }
    Rcpp::List result = Rcpp::List::create(
        Rcpp::Named("x") = x, Rcpp::Named("y") = data.label_name.empty() ? R_NilValue : Rcpp::wrap(data.labels));
    UNPROTECT(1);
    return result;
  });
}

// [[Rcpp::export]]
void hg_report(SEXP model, SEXP data, std::vector<std::string> columns, std::vector<std::string> labels,
               std::string label_name, std::string file, std::string title, double threshold) {
  guarded([&] {
    const Model& m = model_of(model);
    hourglass::Dataset dataset;
    if (!Rf_isNull(data)) {
      const auto samples = hourglass::r::tensor_from_r(data, "x");
      dataset.features = samples.reshape({samples.size(0), -1});
      if (samples.dim() > 2) dataset.sample_shape = m.sample_shape();
      dataset.columns = columns;
      if (!labels.empty()) {
        dataset.labels = labels;
        dataset.label_name = label_name;
      }
    }
    auto options = hourglass::ReportOptions().title(title);
    if (!std::isnan(threshold)) options.threshold(threshold);
    hourglass::write_report(file, m, dataset, options);
  });
}
