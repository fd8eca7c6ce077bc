// A trained model as an ONNX file (opset 17) that any ONNX runtime serves: ruta's
// to_keras(), made for deployment. Four parts:
//
//   encoder      data -> code            (a variational model's posterior mean)
//   decoder      code -> reconstruction  (a variational model's generator)
//   autoencoder  data -> reconstruction
//   scorer       data -> score, the per-row loss of the reconstruction, as training
//                computes it on scaled data; with a threshold also outlier (0/1)
//
// Data goes in and out in its own units, flat: float32 rows x values (images flattened
// channels first, as the CLI's CSV rows), the batch dimension free. The model's scaler
// and its inverse are nodes of the graph.
//
//   model.export_onnx("iris.onnx");                         // the autoencoder
//   export_onnx(model, "score.onnx", OnnxExportOptions().part("scorer").threshold(0.25));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hourglass/model/model.hpp"

namespace hourglass {

struct OnnxExportOptions {
  /// encoder, decoder, autoencoder (the default) or scorer.
  OnnxExportOptions& part(std::string name) {
    part_ = std::move(name);
    return *this;
  }
  /// For the scorer: rows scoring above it are outliers (an output "outlier", 1 or 0,
  /// and the metadata entry hourglass.threshold). Without it, the model's own threshold
  /// (Model::set_threshold) when it was set on the reconstruction score.
  OnnxExportOptions& threshold(double value) {
    threshold_ = value;
    return *this;
  }
  /// The names of the data's columns, for the metadata entry hourglass.columns.
  OnnxExportOptions& columns(std::vector<std::string> names) {
    columns_ = std::move(names);
    return *this;
  }

  std::string part_ = "autoencoder";
  std::optional<double> threshold_;
  std::vector<std::string> columns_;
};

/// The parts export_onnx() writes, in order.
const std::vector<std::string>& onnx_parts();

/// The ONNX file's bytes. Throws InvalidArgument for an unknown part, a threshold on a
/// part other than the scorer, or a layer whose kind has no ONNX form (naming it).
std::string onnx_model(const Model& model, const OnnxExportOptions& options = {});

/// Writes onnx_model() to `path`, atomically: the file is complete or absent.
void export_onnx(const Model& model, const std::string& path, const OnnxExportOptions& options = {});

}  // namespace hourglass
