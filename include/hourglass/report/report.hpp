// What a model learned, as one self-contained HTML page that opens offline: the learner
// and its network, training curves of every history column, and for a data set the
// reconstruction error distribution, the codes coloured by label, per-feature errors,
// originals next to reconstructions, generated samples and the comparison with PCA.
// Charts are interactive (hover, zoom): Vega-Lite, compiled into the library and inlined
// into every page, so a report needs neither a network nor a server.
//
//   Dataset iris = read_data("iris.csv", ReadOptions().label("Species"));
//   write_report("iris.html", Model::load("iris.hgm"), iris, ReportOptions().title("Iris"));
//
// The numbers behind the charts are in the page as JSON (report_data() gives them alone);
// docs/web.md describes them.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <optional>
#include <string>

#include "hourglass/data/dataset.hpp"
#include "hourglass/model/model.hpp"

namespace hourglass {

struct ReportOptions {
  /// The page's heading; empty: "Hourglass report".
  TORCH_ARG(std::string, title) = "";
  /// How the model and the data are named on the page (their file names, say).
  TORCH_ARG(std::string, model_name) = "";
  TORCH_ARG(std::string, data_name) = "";
  /// An anomaly threshold on the per-row reconstruction error, drawn on its distribution;
  /// without one, the model's own threshold on reconstruction scores, if it has one.
  TORCH_ARG(std::optional<double>, threshold) = std::nullopt;
  /// Rows drawn in the code scatter plot at most (evenly spaced through the data).
  TORCH_ARG(int64_t, max_points) = 5000;
  /// Bars of the error histogram.
  TORCH_ARG(int64_t, bins) = 40;
  /// Images (or sequences) shown next to their reconstructions.
  TORCH_ARG(int64_t, examples) = 10;
  /// Compare with PCA at the code's size (one more fit on the data).
  TORCH_ARG(bool, pca_baseline) = true;
};

/// The whole page. `data` may be empty (Dataset{}): the page then shows the model and
/// its training only. Throws InvalidArgument for data whose samples the model cannot take.
std::string render_report(const Model& model, const Dataset& data = {}, const ReportOptions& options = {});

/// Writes render_report() to `path` atomically.
void write_report(const std::string& path, const Model& model, const Dataset& data = {},
                  const ReportOptions& options = {});

/// The numbers the page draws, as JSON text: {"title", "model", "data", "charts",
/// "baseline"} (see docs/web.md).
std::string report_data(const Model& model, const Dataset& data = {}, const ReportOptions& options = {});

/// The model's reconstruction loss (its learner's loss, per row) of each row of `data`
/// on the scale the model trains on: what the report's error distribution shows.
/// Rows are processed in chunks, so a memory-mapped data set streams.
at::Tensor reconstruction_errors(const Model& model, const at::Tensor& data);

}  // namespace hourglass
