// A model's parts as ONNX graphs: the scaler, the network's layers (each kind writes
// its own nodes) and, for the scorer, the loss of each row.
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>

#include "hourglass/error.hpp"
#include "hourglass/export/onnx.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "hourglass/registry.hpp"
#include "hourglass/runtime.hpp"
#include "losses/losses.hpp"
#include "model/model_access.hpp"
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

// A table whose network reads other values than its columns (TableCoding::recodes():
// one-hot groups of categories, missing indicators), coded in the graph as TableCoding
// codes it: the data's columns hold numbers and level indices, NaN where missing.
class TableGraph {
 public:
  explicit TableGraph(ExportContext& c) : c_(c), coding_(c.model.coding()), layout_(coding_.layout()) {}

  // data -> the network's input (TableCoding::transform); keeps what the score needs.
  std::string encode(const std::string& data) {
    c_.onnx.set_scope("table_coding");
    if (!layout_.numeric_columns.empty()) {
      scaled_ =
          scale(c_, c_.onnx.node("Gather", {data, c_.onnx.int64s(layout_.numeric_columns)}, {{"axis", int64_t{1}}}));
      c_.onnx.set_scope("table_coding");
      numeric_missing_ = c_.onnx.node("IsNaN", {scaled_});
      const auto& mean = coding_.mean();
      const auto fill = mean.defined() && mean.numel() > 0
                            ? coding_.scaler().transform(mean.unsqueeze(0))
                            : at::zeros({1, static_cast<int64_t>(layout_.numeric_columns.size())});
      filled_ = c_.onnx.node("Where", {numeric_missing_, c_.onnx.initializer("fill", fill), scaled_});
    }
    one_hot_.clear();
    auto pieces = in_column_order(filled_, [&](const TableLayout::Group& g) {
      // A missing level becomes index `size`, outside the group: OneHot gives all zeros.
      const auto codes = c_.onnx.node("Gather", {data, c_.onnx.int64s({g.column})}, {{"axis", int64_t{1}}});
      const auto known = c_.onnx.node("Where", {c_.onnx.node("IsNaN", {codes}), c_.onnx.scalar(g.size), codes});
      const auto index = c_.onnx.node("Cast", {known}, {{"to", int64_t{7}}});
      const auto hot = c_.onnx.node(
          "OneHot", {index, c_.onnx.int64s({g.size}), c_.onnx.initializer("off_on", at::tensor({0.0f, 1.0f}))});
      one_hot_.push_back(c_.onnx.reshape(hot, {g.size}));
      return one_hot_.back();
    });
    const auto& indicated = coding_.missing_indicators();
    if (!indicated.empty()) {
      const auto cells = c_.onnx.node("Gather", {data, c_.onnx.int64s(indicated)}, {{"axis", int64_t{1}}});
      indicators_ = c_.onnx.node("Cast", {c_.onnx.node("IsNaN", {cells})}, {{"to", int64_t{1}}});
      pieces.push_back(indicators_);
    }
    const auto input = concat(pieces);
    c_.onnx.set_scope("");
    return input;
  }

  // The network's values -> the data's units (TableCoding::inverse_transform).
  std::string decode(const std::string& values) {
    std::string numbers;
    if (!layout_.numeric_columns.empty()) {
      c_.onnx.set_scope("table_decoding");
      numbers =
          unscale(c_, c_.onnx.node("Gather", {values, c_.onnx.int64s(layout_.numeric_values)}, {{"axis", int64_t{1}}}));
    }
    c_.onnx.set_scope("table_decoding");
    const auto out = concat(in_column_order(numbers, [&](const TableLayout::Group& g) {
      const auto most_likely =
          c_.onnx.node("ArgMax", {slice(values, g.first, g.size)}, {{"axis", int64_t{1}}, {"keepdims", int64_t{1}}});
      return c_.onnx.node("Cast", {most_likely}, {{"to", int64_t{1}}});
    }));
    c_.onnx.set_scope("");
    return out;
  }

  // Model::score of the rows encode() read: the mean over each row's present columns of
  // the cell loss (numbers, indicators added to their column) or the cross-entropy
  // (categories).
  std::string score(const std::string& data, const std::string& reconstruction) {
    c_.onnx.set_scope("score");
    const ResolvedLoss loss(c_.model.learner().loss);
    loss.table_cells();  // a table's loss is one of cells: throws for another
    if (!loss->onnx)
      onnx_row_loss(c_.onnx, loss.name(), reconstruction, data);  // throws, naming those with an ONNX form
    const auto row_sum = [&](const std::string& x) {
      return c_.onnx.node("ReduceSum", {x, c_.onnx.int64s({1})}, {{"keepdims", int64_t{0}}});
    };
    std::vector<std::string> sums;
    if (!layout_.numeric_columns.empty()) {
      // A missing target is 0 before the loss and masked after, as in training.
      const auto known = c_.onnx.node("Where", {numeric_missing_, c_.onnx.scalar(0.0), scaled_});
      const auto predicted =
          c_.onnx.node("Gather", {reconstruction, c_.onnx.int64s(layout_.numeric_values)}, {{"axis", int64_t{1}}});
      const auto present = c_.onnx.node("Cast", {c_.onnx.node("Not", {numeric_missing_})}, {{"to", int64_t{1}}});
      sums.push_back(row_sum(c_.onnx.node("Mul", {loss->onnx(c_.onnx, predicted, known), present})));
    }
    for (size_t i = 0; i < layout_.groups.size(); ++i) {
      // -sum(one-hot x log softmax): 0 for a missing level, whose one-hot is all zeros.
      const auto log_p =
          c_.onnx.node("LogSoftmax", {slice(reconstruction, layout_.groups[i].first, layout_.groups[i].size)},
                       {{"axis", int64_t{1}}});
      sums.push_back(row_sum(c_.onnx.node("Mul", {one_hot_[i], c_.onnx.node("Neg", {log_p})})));
    }
    const auto& indicated = coding_.missing_indicators();
    if (!indicated.empty()) {
      const auto predicted = slice(reconstruction, layout_.first_indicator, static_cast<int64_t>(indicated.size()));
      sums.push_back(row_sum(loss->onnx(c_.onnx, predicted, indicators_)));
    }
    // Present columns: those with a value, and those with an indicator always.
    auto present = c_.onnx.node("Cast", {c_.onnx.node("Not", {c_.onnx.node("IsNaN", {data})})}, {{"to", int64_t{1}}});
    if (!indicated.empty()) {
      auto always = at::zeros({1, coding_.columns()});
      for (int64_t column : indicated) always[0][column] = 1;
      present = c_.onnx.node("Max", {present, c_.onnx.initializer("indicated", always)});
    }
    const auto count = c_.onnx.node("Max", {row_sum(present), c_.onnx.scalar(1.0)});
    const auto total = sums.size() == 1 ? sums[0] : c_.onnx.node("Sum", sums);
    const auto score = c_.onnx.node("Div", {total, count});
    c_.onnx.set_scope("");
    return score;
  }

 private:
  // Each column's piece, in the data's order: its slice of `numbers` (one value per
  // numeric column) for a number, `piece(group)` for a category.
  template <typename Piece>
  std::vector<std::string> in_column_order(const std::string& numbers, Piece&& piece) {
    std::vector<std::string> pieces;
    auto group = layout_.groups.begin();
    int64_t number = 0;
    for (int64_t column = 0; column < layout_.columns; ++column) {
      const bool numeric = group == layout_.groups.end() || group->column != column;
      pieces.push_back(numeric ? slice(numbers, number++, 1) : piece(*group++));
    }
    return pieces;
  }
  std::string concat(const std::vector<std::string>& pieces) {
    return pieces.size() == 1 ? pieces[0] : c_.onnx.node("Concat", pieces, {{"axis", int64_t{1}}});
  }
  std::string slice(const std::string& x, int64_t first, int64_t size) {
    return c_.onnx.node("Slice", {x, c_.onnx.int64s({first}), c_.onnx.int64s({first + size}), c_.onnx.int64s({1})});
  }

  ExportContext& c_;
  const TableCoding& coding_;
  const TableLayout& layout_;
  std::string scaled_, numeric_missing_, filled_, indicators_;
  std::vector<std::string> one_hot_;
};

void write_encoder(ExportContext& c) {
  c.onnx.input("data", c.model.input_dim());
  if (c.model.coding().recodes()) {
    TableGraph table(c);
    c.onnx.output("code", c.net.export_encoder(c.onnx, table.encode("data")), c.model.code_dim(),
                  OnnxBuilder::ElementType::float32, "the code of each row");
    return;
  }
  c.onnx.output("code", c.net.export_encoder(c.onnx, scale(c, "data")), c.model.code_dim(),
                OnnxBuilder::ElementType::float32,
                "the code of each row" + std::string(c.net.is_variational() ? " (the posterior mean)" : ""));
}

void write_decoder(ExportContext& c) {
  c.onnx.input("code", c.model.code_dim());
  const auto values = c.net.export_decoder(c.onnx, "code");
  TableGraph table(c);
  c.onnx.output("reconstruction", c.model.coding().recodes() ? table.decode(values) : unscale(c, values),
                c.model.input_dim(), OnnxBuilder::ElementType::float32,
                "the data each code decodes to, in the data's units (a category as its level's index)");
}

void write_autoencoder(ExportContext& c) {
  c.onnx.input("data", c.model.input_dim());
  const bool recodes = c.model.coding().recodes();
  TableGraph table(c);
  const auto code = c.net.export_encoder(c.onnx, recodes ? table.encode("data") : scale(c, "data"));
  const auto values = c.net.export_decoder(c.onnx, code);
  c.onnx.output("reconstruction", recodes ? table.decode(values) : unscale(c, values), c.model.input_dim(),
                OnnxBuilder::ElementType::float32,
                "the reconstruction of each row, in the data's units (a category as its level's index)");
}

// The loss of each row between the reconstruction and the row, both scaled: what
// training minimises per row (a variational model's reconstruction from the mean code).
void write_scorer(ExportContext& c) {
  const std::string& loss = c.model.learner().loss;
  c.onnx.input("data", c.model.input_dim());
  std::string score;
  if (c.model.coding().recodes()) {
    TableGraph table(c);
    score = table.score("data", c.net.export_decoder(c.onnx, c.net.export_encoder(c.onnx, table.encode("data"))));
    c.onnx.output("score", score, 0, OnnxBuilder::ElementType::float32,
                  "each row's mean over its present columns of the " + loss +
                      " (numbers, on the scaled data) or cross-entropy (categories)");
    c.onnx.metadata("hourglass.score", "mean over each row's present columns of its " + loss +
                                           " or cross-entropy, as hourglass score computes it");
  } else {
    const auto scaled = scale(c, "data");
    const auto reconstruction = c.net.export_decoder(c.onnx, c.net.export_encoder(c.onnx, scaled));
    c.onnx.set_scope("score");
    score = onnx_row_loss(c.onnx, loss, reconstruction, scaled);
    c.onnx.output("score", score, 0, OnnxBuilder::ElementType::float32,
                  "the " + loss + " of each row's reconstruction (on the scaled data)");
    c.onnx.metadata("hourglass.score", loss + " of each row's reconstruction, on the scaled data");
  }
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
  ExportContext context{model, options, onnx, *ModelAccess::impl(model).net};
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
  if (model.coding().has_categories()) {
    // What a categorical column's index means: its level, in the model's order.
    onnx.metadata("hourglass.levels", nlohmann::json(model.coding().levels()).dump());
  }
  if (!model.coding().missing_indicators().empty()) {
    onnx.metadata("hourglass.missing_indicators", nlohmann::json(model.coding().missing_indicators()).dump());
  }
  return onnx.serialize();
}

void export_onnx(const Model& model, const std::string& path, const OnnxExportOptions& options) {
  write_file_atomically(path, onnx_model(model, options));
}

// Declared with the model (hourglass/model/model.hpp) and defined here, where the export
// lives: the model folder sits below this one and includes nothing of it.
void Model::export_onnx(const std::string& path, const std::string& part) const {
  hourglass::export_onnx(*this, path, OnnxExportOptions().part(part));
}

}  // namespace hourglass
