// The functions the package's R code calls (through RcppExports). Each turns a library
// error into an R error with the same message, and none lets an R error jump over C++
// frames: warnings are queued and raised by the R side once the call has returned.
#include <ATen/ATen.h>
#include <R_ext/Utils.h>
#include <Rcpp.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/train.hpp"

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

hourglass::TrainOptions train_options(const Rcpp::List& options) {
  hourglass::TrainOptions o;
  const auto number = [&](const char* name) { return Rcpp::as<double>(options[name]); };
  o.epochs(static_cast<int64_t>(number("epochs")))
      .batch_size(static_cast<int64_t>(number("batch_size")))
      .optimizer(Rcpp::as<std::string>(options["optimizer"]))
      .learning_rate(number("learning_rate"))
      .momentum(number("momentum"))
      .shuffle(Rcpp::as<bool>(options["shuffle"]))
      .validation_split(number("validation_split"))
      .seed(static_cast<uint64_t>(number("seed")))
      .scale(Rcpp::as<std::string>(options["scale"]))
      .early_stopping(static_cast<int64_t>(number("early_stopping")))
      .min_delta(number("min_delta"))
      .clip_grad_norm(number("clip_grad_norm"))
      .checkpoint(Rcpp::as<std::string>(options["checkpoint"]))
      .checkpoint_every(static_cast<int64_t>(number("checkpoint_every")))
      .resume(Rcpp::as<std::string>(options["resume"]))
      .precision(Rcpp::as<std::string>(options["precision"]))
      .metrics(Rcpp::as<std::vector<std::string>>(options["metrics"]));
  return o;
}

}  // namespace

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

// [[Rcpp::export]]
void hg_check_activation(std::string name) {
  guarded([&] { hourglass::check_activation(name); });
}

// [[Rcpp::export]]
int hg_encoding_index(Rcpp::List layers) {
  return guarded([&] { return static_cast<int>(hourglass::r::network_from_r(layers).encoding_index()) + 1; });
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
Rcpp::List hg_train(Rcpp::List learner, SEXP data, SEXP validation_data, Rcpp::List options, bool verbose) {
  return guarded([&] {
    auto o = train_options(options);
    if (!Rf_isNull(validation_data)) o.validation_data(hourglass::r::tensor_from_r(validation_data, "validation_data"));
    bool interrupted = false;
    o.on_batch([&interrupted] {
      if (!interrupted && user_interrupted()) {
        interrupted = true;
        hourglass::request_stop();
      }
    });
    const auto epochs = o.epochs();
    if (verbose) {
      o.on_epoch([epochs](const hourglass::EpochRecord& record) {
        Rprintf("%s\n", hourglass::format_progress(record, epochs).c_str());
        R_FlushConsole();
      });
    }
    const auto core = hourglass::r::learner_from_r(learner);
    return model_to_r(hourglass::train(core, hourglass::r::tensor_from_r(data, "data"), o));
  });
}

// [[Rcpp::export]]
SEXP hg_encode(SEXP model, SEXP data, bool sample) {
  return guarded([&] {
    return hourglass::r::tensor_to_r(model_of(model).encode(hourglass::r::tensor_from_r(data, "data"), sample));
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
    return hourglass::r::tensor_to_r(model_of(model).reconstruct(hourglass::r::tensor_from_r(data, "data")));
  });
}

// [[Rcpp::export]]
SEXP hg_generate(SEXP model, std::vector<int64_t> dimensions, double from, double to, int64_t side,
                 double fixed_value) {
  return guarded(
      [&] { return hourglass::r::tensor_to_r(model_of(model).generate(dimensions, from, to, side, fixed_value)); });
}

// [[Rcpp::export]]
Rcpp::NumericVector hg_evaluate(SEXP model, SEXP data, std::vector<std::string> metrics) {
  return guarded([&] {
    const auto values = model_of(model).evaluate(hourglass::r::tensor_from_r(data, "data"), metrics);
    Rcpp::NumericVector result;
    for (const auto& name : metrics) result.push_back(values.at(name), name);
    return result;
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
Rcpp::List hg_read_data(std::string path, std::string label) {
  return guarded([&] {
    const auto data = hourglass::read_data(path, hourglass::ReadOptions().label(label));
    SEXP x = PROTECT(hourglass::r::tensor_to_r(data.samples()));
    if (data.sample_shape.empty()) {
      Rf_setAttrib(x, R_DimNamesSymbol,
                   Rcpp::List::create(R_NilValue, Rcpp::CharacterVector(data.columns.begin(), data.columns.end())));
    }
    Rcpp::List result = Rcpp::List::create(
        Rcpp::Named("x") = x, Rcpp::Named("y") = data.label_name.empty() ? R_NilValue : Rcpp::wrap(data.labels));
    UNPROTECT(1);
    return result;
  });
}
