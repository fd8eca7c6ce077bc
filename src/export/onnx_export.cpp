// A model's parts as ONNX graphs: the scaler, the network's layers (each kind writes
// its own nodes) and, for the scorer, the loss of each row.
#include <cmath>
#include <functional>
#include <limits>

#include "hourglass/error.hpp"
#include "hourglass/export/onnx.hpp"
#include "hourglass/export/onnx_builder.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/registry.hpp"
#include "hourglass/runtime.hpp"
#include "losses/losses.hpp"
#include "model/model_impl.hpp"

namespace hourglass {
namespace {

// Everything a part is written from.
struct ExportContext {
  const Model& model;
  const OnnxExportOptions& options;
  OnnxBuilder& onnx;
  const nn::AutoencoderNetImpl& net;
};

// x -> (x - offset) / scale, as Scaler::transform computes it.
std::string scale(ExportContext& c, const std::string& x) {
  const Scaler& scaler = c.model.scaler();
  if (scaler.is_identity()) return x;
  c.onnx.set_scope("scaler");
  const auto shifted = c.onnx.node("Sub", {x, c.onnx.initializer("offset", scaler.offset().reshape({-1}))});
  const auto y = c.onnx.node("Div", {shifted, c.onnx.initializer("scale", scaler.scale().reshape({-1}))});
  c.onnx.set_scope("");
  return y;
}

// x * scale + offset, as Scaler::inverse_transform.
std::string unscale(ExportContext& c, const std::string& x) {
  const Scaler& scaler = c.model.scaler();
  if (scaler.is_identity()) return x;
  c.onnx.set_scope("inverse_scaler");
  const auto scaled = c.onnx.node("Mul", {x, c.onnx.initializer("scale", scaler.scale().reshape({-1}))});
  const auto y = c.onnx.node("Add", {scaled, c.onnx.initializer("offset", scaler.offset().reshape({-1}))});
  c.onnx.set_scope("");
  return y;
}

void write_encoder(ExportContext& c) {
  c.onnx.input("data", c.model.input_dim());
  c.onnx.output("code", c.net.export_encoder(c.onnx, scale(c, "data")), c.model.code_dim(),
                OnnxBuilder::ElementType::float32,
                "the code of each row" + std::string(c.net.is_variational() ? " (the posterior mean)" : ""));
}

void write_decoder(ExportContext& c) {
  c.onnx.input("code", c.model.code_dim());
  c.onnx.output("reconstruction", unscale(c, c.net.export_decoder(c.onnx, "code")), c.model.input_dim(),
                OnnxBuilder::ElementType::float32, "the data each code decodes to, in the data's units");
}

void write_autoencoder(ExportContext& c) {
  c.onnx.input("data", c.model.input_dim());
  const auto code = c.net.export_encoder(c.onnx, scale(c, "data"));
  c.onnx.output("reconstruction", unscale(c, c.net.export_decoder(c.onnx, code)), c.model.input_dim(),
                OnnxBuilder::ElementType::float32, "the reconstruction of each row, in the data's units");
}

// The loss of each row between the reconstruction and the row, both scaled: what
// training minimises per row (a variational model's reconstruction from the mean code).
void write_scorer(ExportContext& c) {
  const std::string& loss = c.model.learner().loss;
  c.onnx.input("data", c.model.input_dim());
  const auto scaled = scale(c, "data");
  const auto reconstruction = c.net.export_decoder(c.onnx, c.net.export_encoder(c.onnx, scaled));
  c.onnx.set_scope("score");
  const auto score = onnx_row_loss(c.onnx, loss, reconstruction, scaled);
  c.onnx.output("score", score, 0, OnnxBuilder::ElementType::float32,
                "the " + loss + " of each row's reconstruction (on the scaled data)");
  c.onnx.metadata("hourglass.score", loss + " of each row's reconstruction, on the scaled data");
  if (c.options.threshold_) {
    c.onnx.set_scope("outlier");
    const auto above = c.onnx.node("Greater", {score, c.onnx.scalar(*c.options.threshold_)});
    c.onnx.output("outlier", c.onnx.node("Cast", {above}, {{"to", int64_t{7}}}), 0, OnnxBuilder::ElementType::int64,
                  "1 where the score is above the threshold, 0 elsewhere");
    c.onnx.metadata("hourglass.threshold", format_number(*c.options.threshold_));
  }
  c.onnx.set_scope("");
}

using PartWriter = void (*)(ExportContext&);

const Registry<PartWriter>& parts() {
  static const Registry<PartWriter> registry = [] {
    Registry<PartWriter> r("ONNX part");
    r.add("encoder", write_encoder);
    r.add("decoder", write_decoder);
    r.add("autoencoder", write_autoencoder);
    r.add("scorer", write_scorer);
    return r;
  }();
  return registry;
}

}  // namespace

const std::vector<std::string>& onnx_parts() {
  static const auto names = parts().names();
  return names;
}

std::string onnx_model(const Model& model, const OnnxExportOptions& given) {
  const PartWriter write = parts().at(given.part_);
  // The scorer flags outliers by the model's own threshold unless one is given; the graph
  // computes the reconstruction score, so a threshold set on the ELBO does not apply.
  OnnxExportOptions options = given;
  const auto& kept = model.threshold();
  if (options.part_ == "scorer" && !options.threshold_ && kept && kept->score == "reconstruction") {
    options.threshold(kept->value);
  }
  if (options.threshold_ && options.part_ != "scorer") {
    throw InvalidArgument("a threshold applies to the scorer, not the " + options.part_ +
                          "; export --part scorer, or leave the threshold out");
  }
  // The scores are float32: a threshold beyond float's range could not be compared.
  if (options.threshold_ &&
      !(std::isfinite(*options.threshold_) && std::abs(*options.threshold_) <= std::numeric_limits<float>::max())) {
    throw InvalidArgument("the threshold must be a finite number within float32's range, got " +
                          format_number(*options.threshold_));
  }
  if (model.coding().has_categories()) {
    throw InvalidArgument(
        "the model has categorical columns, which its ONNX graph would need as one-hot groups; export takes "
        "models of numeric columns (train on the numbers alone, or one-hot encode the categories before training)");
  }
  if (!model.coding().missing_indicators().empty()) {
    throw InvalidArgument(
        "the model has missing indicators, which its ONNX graph would need to compute from the holes; export "
        "takes models without them (train without missing indicators)");
  }
  if (model.ensemble_size() > 1 && (options.part_ == "autoencoder" || options.part_ == "scorer")) {
    throw InvalidArgument("the model is an ensemble of " + std::to_string(model.ensemble_size()) + " networks, whose " +
                          options.part_ +
                          " is their mean; export takes one network (the encoder and decoder are the first "
                          "network's, as Model::encode and decode; or train with ensemble 1)");
  }
  if (!options.columns_.empty() && static_cast<int64_t>(options.columns_.size()) != model.input_dim()) {
    throw InvalidArgument("the model has " + std::to_string(model.input_dim()) + " columns but " +
                          std::to_string(options.columns_.size()) + " column names were given");
  }
  torch::NoGradGuard no_grad;
  OnnxBuilder onnx("hourglass_" + options.part_);
  ExportContext context{model, options, onnx, *model.impl().net};
  write(context);
  onnx.documentation("Hourglass " + std::string(version()) + " " + options.part_ + " of " +
                     model.learner().network.to_string());
  onnx.metadata("hourglass.version", version());
  onnx.metadata("hourglass.part", options.part_);
  onnx.metadata("hourglass.network", model.network().to_string());
  onnx.metadata("hourglass.loss", model.learner().loss);
  onnx.metadata("hourglass.sample_shape", shape_to_string(model.sample_shape()));
  onnx.metadata("hourglass.scaler", model.scaler().kind());
  if (!options.columns_.empty()) onnx.metadata("hourglass.columns", join(options.columns_, ","));
  return onnx.serialize();
}

void export_onnx(const Model& model, const std::string& path, const OnnxExportOptions& options) {
  write_file_atomically(path, onnx_model(model, options));
}

}  // namespace hourglass
