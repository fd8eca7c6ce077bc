// The Python package's core (`_hourglass`): the library's learners, training, models and
// declarations, for python/hourglass. Arrays cross as NumPy float32 without a copy where
// their layout allows it; training runs without the GIL and takes it back only to print an
// epoch, call a Python callback or look for Ctrl-C after each batch.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "hourglass/error.hpp"
#include "hourglass/hourglass.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/network/defaults.hpp"
#include "hourglass/train/option_specs.hpp"

namespace py = pybind11;
using hourglass::Model;

namespace {

// Library errors as the exceptions scikit-learn code expects: a bad argument or bad data
// is a ValueError, a file that cannot be read an OSError.
void translate_errors() {
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const hourglass::ModelFileError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const hourglass::Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
}

using FloatArray = py::array_t<float, py::array::forcecast>;

// A NumPy array as a tensor on its memory (strides kept: Fortran order is no copy); the
// array must outlive the tensor, which the calls below guarantee by holding it.
at::Tensor tensor_of(const FloatArray& array) {
  std::vector<int64_t> sizes(array.shape(), array.shape() + array.ndim());
  std::vector<int64_t> strides;
  for (py::ssize_t d = 0; d < array.ndim(); ++d) strides.push_back(array.strides(d) / py::ssize_t{sizeof(float)});
  return torch::from_blob(const_cast<float*>(array.data()), sizes, strides, torch::kFloat);
}

py::array_t<float> array_of(const at::Tensor& tensor) {
  const at::Tensor values = tensor.to(torch::kFloat).contiguous();
  py::array_t<float> out(std::vector<py::ssize_t>(values.sizes().begin(), values.sizes().end()));
  std::memcpy(out.mutable_data(), values.data_ptr<float>(), static_cast<size_t>(values.numel()) * sizeof(float));
  return out;
}

// A table from Python: the values (categorical cells as indices into `levels`, missing
// cells NaN), the columns' names and, per column, its levels (empty for a number).
hourglass::Dataset table_of(const FloatArray& x, const std::vector<std::string>& columns,
                            const std::vector<std::vector<std::string>>& levels) {
  hourglass::Dataset table;
  table.features = tensor_of(x).contiguous();
  table.columns = columns;
  bool categories = false;
  for (const auto& l : levels) categories = categories || !l.empty();
  if (categories) table.levels = levels;
  return table;
}

// Rows for a trained model: a table's categories in the model's own levels.
at::Tensor model_rows(const Model& model, const FloatArray& x, const std::vector<std::string>& columns,
                      const std::vector<std::vector<std::string>>& levels) {
  const auto table = table_of(x, columns, levels);
  if (table.levels.empty() && !model.coding().has_categories()) return tensor_of(x);
  return model.coding().conform(table);
}

// A model through its file's bytes (pickling): a private temporary file, removed after.
struct TemporaryFile {
  std::string path;
  TemporaryFile() {
    std::string pattern = (std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : "/tmp") + "/hourglass-XXXXXX";
    const int fd = mkstemp(pattern.data());
    if (fd < 0)
      throw std::runtime_error("could not create a temporary file for the model's bytes (is TMPDIR writable?)");
    close(fd);
    path = pattern;
  }
  ~TemporaryFile() { std::remove(path.c_str()); }
};

py::bytes model_bytes(const Model& model) {
  TemporaryFile file;
  model.save(file.path);
  return py::bytes(hourglass::read_file(file.path));
}

Model model_from_bytes(const std::string& bytes) {
  TemporaryFile file;
  hourglass::write_file_atomically(file.path, bytes);
  return Model::load(file.path);
}

py::list history_of(const Model& model) {
  py::list epochs;
  for (const auto& record : model.history().epochs) {
    py::dict row;
    row["epoch"] = record.epoch;
    for (const auto& [name, value] : record.values) row[py::str(name)] = value;
    row["seconds"] = record.seconds;
    epochs.append(row);
  }
  return epochs;
}

// What training does between batches and epochs on Python's behalf: Ctrl-C (a pending
// KeyboardInterrupt stops training after the batch; the model so far is returned with the
// reason in its history), the epoch lines when verbose, and the user's callable, which
// gets (epoch, logs) and stops training by returning True.
hourglass::LambdaCallback python_hooks(bool verbose, const py::object& on_epoch) {
  hourglass::LambdaCallback hooks;
  hooks.batch_end = [](hourglass::Trainer&, const hourglass::BatchLogs&) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      PyErr_Clear();
      hourglass::request_stop();
    }
  };
  hooks.epoch_end = [verbose, on_epoch](hourglass::Trainer& trainer, hourglass::EpochRecord& record) {
    py::gil_scoped_acquire gil;
    if (verbose) {
      const std::string line = hourglass::format_progress(record, trainer.final_epoch()) + "\n";
      py::module_::import("sys").attr("stderr").attr("write")(line);
    }
    if (on_epoch.is_none()) return;
    py::dict logs;
    for (const auto& [name, value] : record.values) logs[py::str(name)] = value;
    try {
      if (on_epoch(record.epoch, logs).cast<bool>())
        trainer.stop("stopped by a callback in epoch " + std::to_string(record.epoch));
    } catch (py::error_already_set& error) {
      // Ctrl-C while the callback ran is Ctrl-C during training all the same.
      if (!error.matches(PyExc_KeyboardInterrupt)) throw;
      hourglass::request_stop();
    }
  };
  return hooks;
}

// The library's declared callbacks (callback_kind.hpp) by name, with their arguments.
using LibraryCallbacks = std::vector<std::pair<std::string, hourglass::Arguments>>;

// Trains `learner` on rows or a table, with the Python hooks, then the library's callbacks.
Model fit(const hourglass::Autoencoder& learner, const FloatArray& x, const std::vector<std::string>& columns,
          const std::vector<std::vector<std::string>>& levels, const std::string& options_json, bool verbose,
          const py::object& on_epoch, const LibraryCallbacks& library) {
  const auto options = hourglass::train_options_from_json(options_json);
  hourglass::Callbacks callbacks{python_hooks(verbose, on_epoch)};
  for (const auto& [name, arguments] : library) callbacks.push_back(hourglass::make_callback(name, arguments));
  const auto table = table_of(x, columns, levels);
  const at::Tensor rows = tensor_of(x);
  py::gil_scoped_release release;
  if (table.levels.empty() && columns.empty()) return hourglass::train(learner, rows, options, callbacks);
  return hourglass::train(learner, table, options, callbacks);
}

// The variants and their parameters by option name (variant_kinds()), as Python names them.
hourglass::Autoencoder learner(const std::string& network, const std::string& variant, const std::string& loss,
                               const std::vector<std::pair<std::string, hourglass::ArgumentValue>>& options) {
  hourglass::VariantNaming naming;
  naming.types = "variant";
  auto made = hourglass::make_variants(hourglass::autoencoder(hourglass::parse_network(network), loss), variant,
                                       options, naming);
  made.validate();
  return made;
}

// Each variant parameter with an option name: option, variant, parameter, type, default, help.
py::list variant_options() {
  py::list out;
  for (const auto& kind : hourglass::variant_kinds()) {
    for (size_t i = 0; i < kind.parameters.size(); ++i) {
      if (kind.options[i].empty()) continue;
      const auto& p = kind.parameters[i];
      out.append(py::dict(py::arg("option") = kind.options[i], py::arg("variant") = kind.name,
                          py::arg("parameter") = p.name(), py::arg("describe") = p.describe(),
                          py::arg("default") = p.default_value(), py::arg("help") = p.help()));
    }
  }
  return out;
}

// Each declared callback (callback_kinds()): name, class_name, help and its parameters
// (name, describe, default, required, help).
py::list callback_kinds() {
  py::list out;
  for (const auto& kind : hourglass::callback_kinds()) {
    py::list parameters;
    for (const auto& p : kind.parameters) {
      parameters.append(py::dict(py::arg("name") = p.name(), py::arg("describe") = p.describe(),
                                 py::arg("default") = p.default_value(), py::arg("required") = p.required(),
                                 py::arg("help") = p.help()));
    }
    out.append(py::dict(py::arg("name") = kind.name, py::arg("class_name") = kind.class_name,
                        py::arg("help") = kind.help, py::arg("parameters") = parameters));
  }
  return out;
}

// What a model is and how it is kept: files, bytes, pickling, its history and sizes.
void bind_model_file(py::class_<Model>& model) {
  model.def("save", &Model::save, py::arg("path"))
      .def_static("load", &Model::load, py::arg("path"))
      .def("to_bytes", &model_bytes)
      .def_static("from_bytes", [](const py::bytes& bytes) { return model_from_bytes(std::string(bytes)); })
      .def_property_readonly("history", &history_of)
      .def_property_readonly("learner", &Model::learner, "The learner it was trained as (str() prints it).")
      .def_property_readonly("stop_reason", [](const Model& model) { return model.history().stop_reason; })
      .def_property_readonly("input_dim", &Model::input_dim)
      .def_property_readonly("code_dim", &Model::code_dim)
      .def_property_readonly("sample_shape",
                             [](const Model& model) { return std::vector<int64_t>(model.sample_shape()); })
      .def_property_readonly("columns", [](const Model& model) { return model.coding().names(); })
      .def_property_readonly("levels", [](const Model& model) { return model.coding().levels(); })
      .def_property_readonly("label_name", &Model::label_name)
      .def_property_readonly("parameter_count", &Model::parameter_count)
      .def("summary", &Model::summary)
      .def(py::pickle([](const Model& model) { return model_bytes(model); },
                      [](const py::bytes& bytes) { return model_from_bytes(std::string(bytes)); }));
}

// What a model computes: codes, reconstructions, scores and thresholds.
void bind_model(py::module_& m) {
  auto model = py::class_<Model>(m, "Model", "A trained autoencoder (hourglass::Model).");
  model
      .def("encode",
           [](const Model& model, const FloatArray& x, const std::vector<std::string>& columns,
              const std::vector<std::vector<std::string>>& levels) {
             return array_of(model.encode(model_rows(model, x, columns, levels)));
           })
      .def("decode",
           [](const Model& model, const FloatArray& codes) { return array_of(model.decode(tensor_of(codes))); })
      .def("reconstruct",
           [](const Model& model, const FloatArray& x, const std::vector<std::string>& columns,
              const std::vector<std::vector<std::string>>& levels) {
             return array_of(model.reconstruct(model_rows(model, x, columns, levels)));
           })
      .def("impute",
           [](const Model& model, const FloatArray& x, const std::vector<std::string>& columns,
              const std::vector<std::vector<std::string>>& levels) {
             return array_of(model.impute(model_rows(model, x, columns, levels)));
           })
      .def("score",
           [](const Model& model, const FloatArray& x, const std::vector<std::string>& columns,
              const std::vector<std::vector<std::string>>& levels, const std::string& kind, int64_t samples) {
             return array_of(model.score(model_rows(model, x, columns, levels),
                                         hourglass::ScoreOptions().kind(kind).samples(samples)));
           })
      .def("score_per_feature",
           [](const Model& model, const FloatArray& x, const std::vector<std::string>& columns,
              const std::vector<std::vector<std::string>>& levels) {
             return array_of(model.score_per_feature(model_rows(model, x, columns, levels)));
           })
      .def("evaluate",
           [](const Model& model, const FloatArray& x, const std::vector<std::string>& columns,
              const std::vector<std::vector<std::string>>& levels, const std::vector<std::string>& metrics) {
             return model.evaluate(model_rows(model, x, columns, levels), metrics);
           })
      .def("set_threshold",
           [](Model& model, const FloatArray& scores, const std::string& rule, const std::string& kind) {
             hourglass::Threshold threshold;
             threshold.rule = rule;
             threshold.score = kind;
             threshold.value = hourglass::threshold_from_scores(tensor_of(scores).to(torch::kDouble), rule);
             threshold.rows = scores.shape(0);
             model.set_threshold(threshold);
             return threshold.value;
           })
      .def_property_readonly("threshold", [](const Model& model) -> py::object {
        return model.threshold() ? py::cast(model.threshold()->value) : py::none();
      });
  bind_model_file(model);
}

}  // namespace

PYBIND11_MODULE(_hourglass, m) {
  m.doc() = "Hourglass's C++ core; use the package hourglass.";
  translate_errors();
  hourglass::set_warning_handler([](const std::string& message) {
    py::gil_scoped_acquire gil;
    if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 2) != 0) PyErr_Clear();  // warnings as errors: not here
  });
  bind_model(m);
  py::class_<hourglass::Autoencoder>(m, "Learner", "An untrained autoencoder: network, variant and loss.")
      .def("__str__", &hourglass::Autoencoder::to_string);
  m.def("learner", &learner, py::arg("network"), py::arg("variant"), py::arg("loss"), py::arg("options"));
  m.def("variant_options", &variant_options,
        "The variants' parameters as the library declares them: option, variant, parameter, default, help.");
  m.def("fit", &fit, py::arg("learner"), py::arg("x"), py::arg("columns"), py::arg("levels"), py::arg("options"),
        py::arg("verbose"), py::arg("on_epoch"), py::arg("library_callbacks"));
  m.def("callback_kinds", &callback_kinds,
        "The library's callbacks as it declares them: name, class_name, help, parameters.");
  m.def("train_option_specs", &hourglass::train_option_specs_json,
        "The training options as the library declares them (JSON): name, type, default, help, choices, range.");
  m.def("variant_names", &hourglass::variant_names);
  m.def("loss_names", &hourglass::loss_names);
  m.def("default_network", &hourglass::default_network, py::arg("width"));
  m.def(
      "table_width",
      [](const std::vector<std::vector<std::string>>& levels) {
        return hourglass::TableLayout::of(static_cast<int64_t>(levels.size()), levels).width;
      },
      py::arg("levels"), "Values per row on the network's side for columns with these levels (TableLayout).");
  // The default anomaly detector (train/detector.hpp): its network for these rows and columns,
  // the names of the options it sets, and those options' values as the JSON form writes them.
  m.def(
      "default_detector",
      [](int64_t columns, int64_t rows) {
        const hourglass::DetectorRecipe recipe = hourglass::default_detector(columns, rows);
        hourglass::TrainOptions options;
        hourglass::apply_detector_options(recipe, options, {});
        py::list names;
        for (const auto& option : recipe.options) names.append(option.first);
        return py::dict(py::arg("network") = recipe.network, py::arg("names") = names,
                        py::arg("options") = hourglass::train_options_to_json(options));
      },
      py::arg("columns"), py::arg("rows"));
  // The learner's defaults as the library's constructors give them: the loss of
  // autoencoder(network) and the first variant, the one that adds nothing.
  m.def("learner_defaults", [] {
    return py::dict(py::arg("variant") = hourglass::variant_names().front(),
                    py::arg("loss") = hourglass::autoencoder(hourglass::parse_network("1")).loss);
  });
  m.def("version", &hourglass::version);
}
