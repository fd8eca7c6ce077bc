#include "hourglass/report/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iterator>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>

#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/io/png.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/model/anomaly.hpp"
#include "hourglass/model/baseline.hpp"
#include "hourglass/model/pca.hpp"
#include "hourglass/runtime.hpp"
#include "losses/losses.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "report/assets.hpp"
#include "report/html.hpp"

namespace hourglass {
namespace {

using nlohmann::json;

// Rows go through the network this many at a time, so that large data sets stream.
constexpr int64_t kChunk = 4096;
// Rows listed in the table of the largest errors.
constexpr int64_t kWorstRows = 10;

std::string shape_text(const Shape& shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "x" : "") + std::to_string(shape[i]);
  return text;
}

// Numbers in the page's text, to 4 significant digits (the JSON keeps every digit).
std::string short_number(double value) {
  std::ostringstream text;
  text << std::setprecision(4) << value;
  return text.str();
}

// Rows x values, float32, checked against the model's input width.
at::Tensor flat_rows(const Model& model, const at::Tensor& data) {
  if (data.dim() < 1 || data.size(0) == 0) throw InvalidArgument("report: the data has no rows");
  const int64_t values = data.numel() / data.size(0);
  if (values != model.input_dim()) {
    throw InvalidArgument("report: the model takes samples of shape " + shape_text(model.sample_shape()) + " (" +
                          std::to_string(model.input_dim()) + " values) but the data has " + std::to_string(values) +
                          " values a row; give the data the model was trained on, or one with the same columns");
  }
  return data.to(torch::kFloat).reshape({data.size(0), values});
}

// Calls fn(first_row, scaled_chunk) over the rows, kChunk at a time, without gradients.
template <typename Fn>
void for_each_scaled_chunk(const Model& model, const at::Tensor& rows, Fn&& fn) {
  torch::NoGradGuard no_grad;
  for (int64_t first = 0; first < rows.size(0); first += kChunk) {
    const auto chunk = rows.narrow(0, first, std::min(kChunk, rows.size(0) - first));
    fn(first, model.coding().transform(chunk));
  }
}

// Up to `count` row numbers evenly spaced through `rows` rows, the first included.
at::Tensor evenly_spaced(int64_t rows, int64_t count) {
  if (rows <= count) return torch::arange(rows, torch::kLong);
  return torch::linspace(0, static_cast<double>(rows - 1), count, torch::kDouble).floor().to(torch::kLong);
}

std::vector<double> to_vector(const at::Tensor& values) {
  const auto contiguous = values.to(torch::kDouble).contiguous();
  return {contiguous.data_ptr<double>(), contiguous.data_ptr<double>() + contiguous.numel()};
}

// The history as charts: one per value name, with its val_ twin as a second series.
json history_charts(const History& history) {
  json charts = json::array();
  for (const auto& column : history.columns()) {
    if (column.rfind("val_", 0) == 0) continue;
    const std::string validation = "val_" + column;
    json values = json::array();
    std::set<std::string> sets;
    for (const auto& epoch : history.epochs) {
      for (const auto& [name, set] : {std::pair{column, "training"}, std::pair{validation, "validation"}}) {
        if (!epoch.has(name)) continue;
        values.push_back({{"epoch", epoch.epoch}, {"set", set}, {"value", epoch.value(name)}});
        sets.insert(set);
      }
    }
    charts.push_back({{"id", "history-" + column},
                      {"kind", "history"},
                      {"title", column},
                      {"series", sets.size()},
                      {"values", values}});
  }
  return charts;
}

// Equal-width bins from the smallest to the largest value. Non-finite values (a model
// whose weights diverged) fall in no bin.
json histogram(const std::vector<double>& all_values, int64_t bins) {
  std::vector<double> values;
  std::copy_if(all_values.begin(), all_values.end(), std::back_inserter(values),
               [](double v) { return std::isfinite(v); });
  if (values.empty()) return json::array();
  const auto [low_it, high_it] = std::minmax_element(values.begin(), values.end());
  double low = *low_it, high = *high_it;
  if (!(high > low)) {  // one value: one bin around it
    low -= 0.5 * std::max(std::abs(low), 1e-12);
    high += 0.5 * std::max(std::abs(high), 1e-12);
    bins = 1;
  }
  std::vector<int64_t> counts(bins, 0);
  const double width = (high - low) / static_cast<double>(bins);
  for (double v : values) {
    const double position = (v - low) / width;  // finite unless high - low overflows
    const double bin = std::isfinite(position) ? std::clamp(position, 0.0, static_cast<double>(bins - 1)) : 0.0;
    counts[static_cast<size_t>(bin)] += 1;  // the largest value closes the last bin
  }
  json out = json::array();
  for (int64_t b = 0; b < bins; ++b) {
    out.push_back(
        {{"start", low + width * b}, {"end", b + 1 == bins ? high : low + width * (b + 1)}, {"count", counts[b]}});
  }
  return out;
}

bool is_number(const std::string& text) {
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0';
}

// Numeric labels with many distinct values read as a quantity, others as categories.
std::string label_type(const std::vector<std::string>& labels) {
  std::set<std::string> distinct(labels.begin(), labels.end());
  const bool numeric = std::all_of(labels.begin(), labels.end(), is_number);
  return numeric && distinct.size() > 10 ? "quantitative" : "nominal";
}

// Images in [0, 1] for display: data outside that range is stretched from its min to max.
at::Tensor displayable(const at::Tensor& images, double low, double high) {
  if (low >= 0.0 && high <= 1.0) return images;
  return (images - low) / std::max(high - low, 1e-12);
}

bool is_image_shape(const Shape& shape) { return shape.size() == 3 && (shape[0] == 1 || shape[0] == 3); }

struct Computed {
  json data;                                                // the JSON the page embeds
  std::vector<std::pair<std::string, std::string>> images;  // section id -> PNG bytes
  std::vector<std::vector<std::string>> worst_rows;         // row, label, error
};

// The data part's errors: each row's and each feature's, the autoencoder's and PCA's.
struct DataErrors {
  at::Tensor rows, features, features_pca;  // double
};

// Samples of numbers with no holes: each row's loss and each value's squared error on
// the scaled data.
DataErrors value_errors(const Model& model, const at::Tensor& rows, const std::optional<Pca>& baseline) {
  const RowLossFunction row_loss = row_loss_function(model.learner().loss);
  auto networks = ModelAccess::impl(model).networks();
  std::vector<at::Tensor> row_errors;
  const int64_t width = rows.size(1);
  DataErrors out{{}, torch::zeros({width}, torch::kDouble), torch::zeros({width}, torch::kDouble)};
  for_each_scaled_chunk(model, rows, [&](int64_t, const at::Tensor& scaled) {
    // Each network runs once: the mean of their reconstructions, and of their row errors
    // (an ensemble's scores).
    at::Tensor back = torch::zeros_like(scaled), errors = torch::zeros({scaled.size(0)});
    for (auto& net : networks) {
      const auto reconstruction = net->forward(scaled).reshape_as(scaled);
      back += reconstruction / static_cast<double>(networks.size());
      errors += row_loss(reconstruction, scaled) / static_cast<double>(networks.size());
    }
    row_errors.push_back(errors);
    out.features += (back - scaled).square().sum(0).to(torch::kDouble);
    if (baseline) {
      const auto pca_back = baseline->reconstruct(scaled).to(torch::kFloat);
      out.features_pca += (pca_back - scaled).square().sum(0).to(torch::kDouble);
    }
  });
  const auto n = static_cast<double>(rows.size(0));
  out.rows = torch::cat(row_errors).to(torch::kDouble);
  out.features /= n;
  out.features_pca /= n;
  return out;
}

// A table with categories, missing indicators or holes: the rows' scores (Model::score)
// and each column's mean share of them, and PCA's under the same column losses.
DataErrors table_errors(const Model& model, const at::Tensor& rows, const std::optional<Pca>& baseline) {
  const auto& coding = model.coding();
  DataErrors out{model.score(rows).to(torch::kDouble), model.score_per_feature(rows).to(torch::kDouble).mean(0),
                 torch::zeros({coding.columns()}, torch::kDouble)};
  if (!baseline) return out;
  const auto cell_loss = ResolvedLoss(model.learner().loss).table_cells();
  torch::NoGradGuard no_grad;
  for (int64_t first = 0; first < rows.size(0); first += kChunk) {
    const auto target = coding.target(rows.narrow(0, first, std::min(kChunk, rows.size(0) - first)));
    const auto shares =
        coding.column_losses(baseline->reconstruct(coding.fill(target)).to(torch::kFloat), target, cell_loss).shares();
    out.features_pca += shares.sum(0).to(torch::kDouble);
  }
  out.features_pca /= static_cast<double>(rows.size(0));
  return out;
}

// The model's facts: the page's "model" part.
json model_facts(const Model& model, const ReportOptions& options) {
  const Autoencoder& learner = model.learner();
  const History& history = model.history();
  json facts = {{"name", options.model_name()},
                {"learner", learner.to_string()},
                {"summary", model.summary()},
                {"types", learner.types()},
                {"loss", learner.loss_description()},
                {"parameters", model.parameter_count()},
                {"epochs", history.epochs.size()},
                {"stop_reason", history.stop_reason},
                {"seed", model.seed()},
                {"scale", model.scaler().kind()},
                {"sample_shape", model.sample_shape()},
                {"code_shape", model.code_shape()},
                {"variational", is_variational(learner)}};
  return facts;
}

// The histogram of the rows' errors, with how many lie above the threshold: the one
// given, or the model's.
json error_chart(const Model& model, const at::Tensor& error, const std::vector<double>& error_values, bool table,
                 const std::string& scale, const ReportOptions& options) {
  const Autoencoder& learner = model.learner();
  json chart = {{"id", "errors"},
                {"kind", "histogram"},
                {"title", "reconstruction error"},
                {"measure", table ? "score per row: the mean of its present columns' " + learner.loss + "" +
                                        (model.coding().has_categories() ? " or cross-entropy" : "")
                                  : learner.loss + " per row" + (scale.empty() ? "" : ", " + scale + "data")},
                {"values", histogram(error_values, options.bins())},
                {"mean", error.mean().item<double>()},
                {"threshold", nullptr}};
  // The threshold given, else the model's own where it applies to these scores.
  std::optional<double> threshold = options.threshold();
  if (!threshold && model.threshold() && model.threshold()->score == "reconstruction")
    threshold = model.threshold()->value;
  if (threshold) {
    chart["threshold"] = *threshold;
    chart["above_threshold"] = (error > *threshold).sum().item<int64_t>();
  }
  return chart;
}

// The rows with the largest errors, of n rows: row number, label and error each.
std::vector<std::vector<std::string>> largest_errors(const at::Tensor& error, const std::vector<double>& error_values,
                                                     const Dataset& dataset, bool labelled, int64_t n) {
  std::vector<std::vector<std::string>> out;
  const auto worst = std::get<1>(error.topk(std::min(kWorstRows, n)));
  for (int64_t i = 0; i < worst.size(0); ++i) {
    const int64_t row = worst[i].item<int64_t>();
    out.push_back({std::to_string(row + 1), labelled ? dataset.labels[row] : "", short_number(error_values[row])});
  }
  return out;
}

// The codes as points in a plane, with the axes' titles: the first two principal components
// of codes wider than two, a code of one unit against the row number of the shown rows.
std::pair<at::Tensor, std::vector<std::string>> code_plane(const at::Tensor& codes, const at::Tensor& shown) {
  at::Tensor points = codes;
  std::vector<std::string> axes;
  if (codes.size(1) > 2 && codes.size(0) >= 2) {
    const Pca projection = Pca::fit(codes, 2);
    points = projection.encode(codes);
    const double total = codes.var(0).sum().item<double>();
    for (int64_t c = 0; c < 2; ++c) {
      const double share = total > 0 ? projection.explained_variance()[c].item<double>() / total : 0.0;
      std::ostringstream title;
      title << "code PC" << c + 1 << " (" << std::round(share * 1000) / 10 << "% of the code's variance)";
      axes.push_back(title.str());
    }
  } else if (codes.size(1) == 2) {
    axes = {"code_1", "code_2"};
  } else {
    points = torch::stack({codes.select(1, 0), shown.to(torch::kDouble) + 1}, 1);
    axes = {"code_1", "row"};
  }
  return {points, axes};
}

// The codes of up to max_points rows; the first two principal components of wider ones.
json codes_chart(const Model& model, const Dataset& dataset, const at::Tensor& rows, bool labelled,
                 int64_t max_points) {
  const int64_t n = rows.size(0);
  const auto shown = evenly_spaced(n, max_points);
  const auto codes = model.encode(rows.index_select(0, shown)).reshape({shown.size(0), -1}).to(torch::kDouble);
  const auto [points, axes] = code_plane(codes, shown);
  json scatter = json::array();
  const auto xs = to_vector(points.select(1, 0)), ys = to_vector(points.select(1, 1));
  std::vector<std::string> shown_labels;
  for (int64_t i = 0; i < shown.size(0); ++i) {
    const int64_t row = shown[i].item<int64_t>();
    json point = {{"x", xs[i]}, {"y", ys[i]}, {"row", row + 1}};
    if (labelled) {
      point["label"] = dataset.labels[row];
      shown_labels.push_back(dataset.labels[row]);
    }
    scatter.push_back(point);
  }
  json chart = {{"id", "codes"},
                {"kind", "scatter"},
                {"title", "codes"},
                {"x_title", axes[0]},
                {"y_title", axes[1]},
                {"color", labelled ? dataset.label_name : ""},
                {"color_type", labelled ? label_type(shown_labels) : "nominal"},
                {"sampled", shown.size(0) < n},
                {"values", scatter}};
  return chart;
}

// Each feature's reconstruction error, the autoencoder's and (with a baseline of k components) PCA's.
json features_chart(const Dataset& dataset, const DataErrors& errors, int64_t width, bool with_baseline, int64_t k,
                    bool table, const std::string& scale) {
  const auto names =
      dataset.columns.size() == static_cast<size_t>(width) ? dataset.columns : numbered_columns("V", width);
  const auto ours = to_vector(errors.features), theirs = to_vector(errors.features_pca);
  json bars = json::array();
  for (int64_t j = 0; j < width; ++j) {
    bars.push_back({{"feature", names[j]}, {"method", "autoencoder"}, {"value", ours[j]}});
    if (with_baseline)
      bars.push_back({{"feature", names[j]}, {"method", "PCA (k=" + std::to_string(k) + ")"}, {"value", theirs[j]}});
  }
  json chart = {{"id", "features"},
                {"kind", "features"},
                {"title", "reconstruction error per feature"},
                {"measure", table ? std::string("mean share of the score")
                                  : "mse, " + (scale.empty() ? std::string("data units") : scale + "data")},
                {"values", bars}};
  return chart;
}

// The autoencoder against PCA with k components, as `hourglass train` compares them
// (model/baseline.hpp): the page's "baseline" part. Its first measure is also given as
// "measure", "autoencoder", "pca" and "ratio".
json baseline_facts(const Model& model, const PcaComparison& c) {
  json measures = json::array();
  const auto add = [&](const std::string& name, const std::optional<double>& ours, const std::optional<double>& theirs,
                       const char* better) {
    if (ours) measures.push_back({{"measure", name}, {"autoencoder", *ours}, {"pca", *theirs}, {"better", better}});
  };
  add("reconstruction MSE (present numeric cells, data units)", c.mse, c.pca_mse, "lower");
  add("categorical cells reconstructed (share)", c.accuracy, c.pca_accuracy, "higher");
  json facts = {{"k", c.k}, {"rows", c.rows}, {"scale", model.scaler().kind()}, {"measures", measures}};
  if (!measures.empty()) {
    const double ours = measures[0]["autoencoder"], theirs = measures[0]["pca"];
    facts.update({{"measure", measures[0]["measure"]},
                  {"autoencoder", ours},
                  {"pca", theirs},
                  {"ratio", theirs > 0 ? json(ours / theirs) : json(nullptr)}});
  }
  return facts;
}

// The first channel of up to four of the examples in each of parts (the originals, the
// autoencoder's reconstructions and PCA's), sequences of the given shape.
json sequences_chart(const std::vector<at::Tensor>& parts, const Shape& shape, int64_t examples) {
  const std::vector<std::string> series{"original", "autoencoder", "PCA"};
  json values = json::array();
  const int64_t drawn = std::min<int64_t>(examples, 4), length = shape[1];
  for (size_t s = 0; s < parts.size(); ++s) {
    const auto curves = parts[s].reshape({examples, shape[0], length}).select(1, 0);
    for (int64_t e = 0; e < drawn; ++e) {
      const auto curve = to_vector(curves[e]);
      for (int64_t t = 0; t < length; ++t) {
        values.push_back({{"example", e + 1}, {"position", t + 1}, {"value", curve[t]}, {"series", series[s]}});
      }
    }
  }
  json chart = {
      {"id", "sequences"}, {"kind", "sequences"},    {"title", "sequences and their reconstructions (channel 1)"},
      {"examples", drawn}, {"series", parts.size()}, {"values", values}};
  return chart;
}

// A few examples next to their reconstructions (and PCA's): a grid of images, or a chart of
// sequences.
void add_examples(const Model& model, const at::Tensor& rows, const std::optional<Pca>& baseline, int64_t examples,
                  Computed& out, json& charts) {
  const auto first = rows.narrow(0, 0, examples);
  const auto back = model.reconstruct(first).reshape_as(first);
  std::vector<at::Tensor> parts{first, back};
  if (baseline) {
    const auto scaled = model.coding().transform(first);
    parts.push_back(model.coding().inverse_transform(baseline->reconstruct(scaled).to(torch::kFloat)));
  }
  const Shape& shape = model.sample_shape();
  if (is_image_shape(shape)) {
    const double low = rows.min().item<double>(), high = rows.max().item<double>();
    Shape grid_shape{static_cast<int64_t>(parts.size()) * examples};
    grid_shape.insert(grid_shape.end(), shape.begin(), shape.end());
    const auto grid = displayable(torch::cat(parts).reshape(grid_shape), low, high);
    out.images.emplace_back("examples", encode_png(image_grid(grid, examples)));
  } else if (shape.size() == 2) {  // sequences: channels x length, the first channel drawn
    charts.push_back(sequences_chart(parts, shape, examples));
  }
}

// The data part: each row's error, each feature's and the PCA baseline's, the codes and a
// few examples.
void add_data_part(const Model& model, const Dataset& dataset, const ReportOptions& options, Computed& out,
                   json& charts) {
  json& data = out.data;
  // A table's categories in the model's levels (unseen ones as the model's rule says).
  const auto rows = flat_rows(model, dataset.has_categories() ? model.coding().conform(dataset) : dataset.features);
  const int64_t n = rows.size(0), width = rows.size(1);
  const bool labelled = !dataset.labels.empty() && static_cast<int64_t>(dataset.labels.size()) == n;
  const bool tabular = model.sample_shape().size() == 1;
  const std::string scale = model.scaler().is_identity() ? "" : model.scaler().kind() + "-scaled ";
  data["data"] = {{"name", options.data_name()},
                  {"rows", n},
                  {"shape", model.sample_shape()},
                  {"label", labelled ? dataset.label_name : ""}};

  // Each row's error, each feature's, and the PCA baseline's, in one pass.
  std::optional<Pca> baseline;
  if (options.pca_baseline() && n >= 2) baseline = fit_pca_baseline(model, rows);
  const int64_t k = baseline ? baseline->k() : 0;
  const bool table = model.coding().recodes() || rows.isnan().any().item<bool>();
  const DataErrors errors = table ? table_errors(model, rows, baseline) : value_errors(model, rows, baseline);
  const auto error_values = to_vector(errors.rows);
  charts.push_back(error_chart(model, errors.rows, error_values, table, scale, options));
  out.worst_rows = largest_errors(errors.rows, error_values, dataset, labelled, n);

  charts.push_back(codes_chart(model, dataset, rows, labelled, options.max_points()));
  if (tabular) charts.push_back(features_chart(dataset, errors, width, baseline.has_value(), k, table, scale));
  if (baseline) data["baseline"] = baseline_facts(model, compare_with_pca(model, rows, *baseline));

  // A few examples next to their reconstructions (and PCA's).
  const int64_t examples = std::min(options.examples(), n);
  if (examples > 0 && !tabular) add_examples(model, rows, baseline, examples, out, charts);
}

// The generated rows among the data, in the data's first two principal components.
json generated_rows_chart(const Model& model, const Dataset& dataset, const at::Tensor& generated, int64_t max_points) {
  const auto rows = flat_rows(model, dataset.features);
  const auto scaled = model.coding().transform(rows);
  const Pca plane = Pca::fit(scaled, 2);
  const auto shown = evenly_spaced(rows.size(0), max_points);
  json values = json::array();
  auto add = [&](const at::Tensor& points, const std::string& source) {
    const auto projected = plane.encode(model.coding().transform(points.reshape({points.size(0), -1})));
    const auto xs = to_vector(projected.select(1, 0)), ys = to_vector(projected.select(1, 1));
    for (size_t i = 0; i < xs.size(); ++i)
      values.push_back({{"x", xs[i]}, {"y", ys[i]}, {"label", source}, {"row", i + 1}});
  };
  add(rows.index_select(0, shown), "data");
  add(generated, "generated");
  json chart = {{"id", "generated"},
                {"kind", "scatter"},
                {"title", "generated rows among the data"},
                {"x_title", "data PC1"},
                {"y_title", "data PC2"},
                {"color", "source"},
                {"color_type", "nominal"},
                {"sampled", shown.size(0) < rows.size(0)},
                {"values", values}};
  return chart;
}

// What a variational (or adversarial) model generates from a grid of latent points: a grid of
// images, or the generated rows among the data.
void add_generated(const Model& model, const Dataset& dataset, const ReportOptions& options, Computed& out,
                   json& charts) {
  const std::vector<int64_t> units = model.code_dim() >= 2 ? std::vector<int64_t>{1, 2} : std::vector<int64_t>{1};
  const int64_t side = 10;
  const auto generated = model.generate(units, 0.05, 0.95, side);
  if (is_image_shape(model.sample_shape())) {
    double low = 0, high = 1;
    if (dataset.rows() > 0) low = dataset.features.min().item<double>(), high = dataset.features.max().item<double>();
    out.images.emplace_back("generated", encode_png(image_grid(displayable(generated, low, high), side)));
  } else if (model.sample_shape().size() == 1 && dataset.rows() >= 2 && model.input_dim() >= 2) {
    // Tabular: the generated rows among the data, in the data's first two principal components.
    charts.push_back(generated_rows_chart(model, dataset, generated, options.max_points()));
  }
}

Computed compute(const Model& model, const Dataset& dataset, const ReportOptions& options) {
  init_runtime();
  if (!model.is_trained()) throw InvalidArgument("report: the model has no weights; train or load one first");
  if (options.max_points() < 1 || options.bins() < 1 || options.examples() < 0) {
    throw InvalidArgument("report: max_points and bins must be at least 1 and examples at least 0");
  }
  Computed out;
  json& data = out.data;
  const Autoencoder& learner = model.learner();
  data["title"] = options.title().empty() ? "Hourglass report" : options.title();
  data["model"] = model_facts(model, options);
  json charts = history_charts(model.history());
  data["data"] = nullptr;
  data["baseline"] = nullptr;

  if (dataset.rows() > 0) add_data_part(model, dataset, options, out, charts);

  // What a variational (or adversarial) model generates from a grid of latent points.
  if (is_variational(learner) || is_adversarial(learner)) add_generated(model, dataset, options, out, charts);
  data["charts"] = charts;
  return out;
}

const json* find_chart(const json& data, const std::string& id) {
  for (const auto& chart : data["charts"]) {
    if (chart["id"] == id) return &chart;
  }
  return nullptr;
}

std::string number_text(const json& value) { return value.is_null() ? "-" : short_number(value.get<double>()); }

// <figure> for a chart that web/report.js draws into it.
std::string chart_figure(const json& chart, const std::string& caption) {
  return "<figure class=\"chart-figure\"><div class=\"chart\" id=\"chart-" +
         html::escape(chart["id"].get<std::string>()) + "\" data-chart=\"" +
         html::escape(chart["id"].get<std::string>()) + "\"></div><figcaption>" + caption + "</figcaption></figure>\n";
}

// A JSON string, escaped for HTML.
std::string escaped(const json& value) { return html::escape(value.get<std::string>()); }

// The page's head, with the styles and the chart libraries inlined, and its header.
void write_head(std::ostream& page, const json& data) {
  const json& model = data["model"];
  page << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       << "<meta name=\"generator\" content=\"Hourglass\">\n"
       << "<title>" << escaped(data["title"]) << "</title>\n"
       << "<style>\n"
       << assets::report_css() << "</style>\n"
       << "<!-- Vega " HOURGLASS_VEGA_VERSION ", Vega-Lite " HOURGLASS_VEGA_LITE_VERSION
          ", vega-embed " HOURGLASS_VEGA_EMBED_VERSION
          " (BSD-3-Clause, University of Washington Interactive Data Lab), inlined so that the page opens "
          "offline -->\n"
       << "<script>" << assets::vega_js() << "</script>\n"
       << "<script>" << assets::vega_lite_js() << "</script>\n"
       << "<script>" << assets::vega_embed_js() << "</script>\n"
       << "</head>\n<body>\n<header>\n<h1>" << escaped(data["title"]) << "</h1>\n<p class=\"subtitle\">";
  std::vector<std::string> subtitle;
  if (!model["name"].get<std::string>().empty()) subtitle.push_back("model " + escaped(model["name"]));
  if (!data["data"].is_null() && !data["data"]["name"].get<std::string>().empty())
    subtitle.push_back("data " + escaped(data["data"]["name"]));
  subtitle.push_back("made by Hourglass");
  page << join(subtitle, " &middot; ") << "</p>\n</header>\n<main>\n";
}

// The model's facts, its learner and its summary.
void write_model_section(std::ostream& page, const json& model) {
  page << "<section id=\"model\">\n<h2>Model</h2>\n<dl class=\"facts\">\n";
  const auto fact = [&](const std::string& name, const std::string& value) {
    page << "<dt>" << name << "</dt><dd>" << value << "</dd>\n";
  };
  fact("variant", html::escape(join(model["types"].get<std::vector<std::string>>())));
  fact("loss", escaped(model["loss"]));
  fact("parameters", std::to_string(model["parameters"].get<int64_t>()));
  fact("sample shape", shape_text(model["sample_shape"].get<Shape>()));
  fact("code shape", shape_text(model["code_shape"].get<Shape>()));
  fact("scaling", escaped(model["scale"]));
  fact("epochs trained", std::to_string(model["epochs"].get<int64_t>()));
  if (!model["stop_reason"].get<std::string>().empty()) fact("stopped", escaped(model["stop_reason"]));
  fact("seed", std::to_string(model["seed"].get<uint64_t>()));
  page << "</dl>\n<pre class=\"learner\">" << escaped(model["learner"]) << "</pre>\n<pre class=\"summary\">"
       << escaped(model["summary"]) << "</pre>\n</section>\n";
}

// The training history's charts.
void write_training_section(std::ostream& page, const json& data) {
  page << "<section id=\"training\">\n<h2>Training</h2>\n";
  bool any_history = false;
  for (const auto& chart : data["charts"]) {
    if (chart["kind"] != "history") continue;
    if (!any_history) page << "<div class=\"chart-grid\">\n";
    any_history = true;
    page << chart_figure(chart, escaped(chart["title"]) + " per epoch" +
                                    (chart["series"].get<int>() > 1 ? ", on the training and validation data" : ""));
  }
  page << (any_history ? "</div>\n" : "<p>The model has no training history.</p>\n") << "</section>\n";
}

// The histogram of the reconstruction errors and the table of the rows with the largest.
void write_errors_section(std::ostream& page, const Computed& computed) {
  const json& data = computed.data;
  const json& set = data["data"];
  const json* errors = find_chart(data, "errors");
  page << "<section id=\"errors\">\n<h2>Reconstruction error</h2>\n<p>" << set["rows"].get<int64_t>() << " rows; the "
       << html::escape((*errors)["measure"].get<std::string>()) << ", mean " << number_text((*errors)["mean"]) << ".";
  if (!(*errors)["threshold"].is_null()) {
    page << " Threshold " << number_text((*errors)["threshold"]) << ": " << (*errors)["above_threshold"].get<int64_t>()
         << " rows above it.";
  }
  page << "</p>\n"
       << chart_figure(*errors, "How many rows have each reconstruction error (drag to zoom, hover for counts)")
       << "<table class=\"worst\">\n<caption>Rows with the largest errors</caption>\n<tr><th>row</th>"
       << (set["label"].get<std::string>().empty() ? "" : "<th>" + escaped(set["label"]) + "</th>")
       << "<th>error</th></tr>\n";
  for (const auto& row : computed.worst_rows) {
    page << "<tr><td>" << row[0] << "</td>"
         << (set["label"].get<std::string>().empty() ? "" : "<td>" + html::escape(row[1]) + "</td>") << "<td>" << row[2]
         << "</td></tr>\n";
  }
  page << "</table>\n</section>\n";
}

// The codes' chart, and the charts of the errors per feature and of example sequences where
// the data has them.
void write_codes_sections(std::ostream& page, const json& data) {
  const json& codes = *find_chart(data, "codes");
  page << "<section id=\"codes\">\n<h2>Codes</h2>\n"
       << chart_figure(
              codes, std::string("Each row's code") +
                         (codes["color"].get<std::string>().empty() ? "" : ", coloured by " + escaped(codes["color"])) +
                         (codes["sampled"].get<bool>()
                              ? "; " + std::to_string(codes["values"].size()) + " rows, evenly spaced through the data"
                              : "") +
                         " (scroll to zoom, drag to pan, hover for the row)")
       << "</section>\n";

  if (const json* features = find_chart(data, "features")) {
    page << "<section id=\"features\">\n<h2>Error per feature</h2>\n"
         << chart_figure(*features, "Mean squared reconstruction error of each feature (" +
                                        html::escape((*features)["measure"].get<std::string>()) + ")")
         << "</section>\n";
  }
  if (const json* sequences = find_chart(data, "sequences")) {
    page << "<section id=\"examples\">\n<h2>Examples</h2>\n"
         << chart_figure(*sequences, "The first sequences, their reconstruction and PCA's") << "</section>\n";
  }
}

// The image grids: the examples next to their reconstructions, and generated images.
void write_image_sections(std::ostream& page, const Computed& computed) {
  const json& data = computed.data;
  for (const auto& [id, png] : computed.images) {
    const bool examples = id == "examples";
    page << "<section id=\"" << id << "\">\n<h2>" << (examples ? "Examples" : "Generated") << "</h2>\n"
         << "<figure class=\"image-figure\"><img class=\"grid\" alt=\"" << id << "\" src=\"" << html::png_data_url(png)
         << "\"><figcaption>"
         << (examples ? "Top: the first images; below: their reconstruction" +
                            std::string(data["baseline"].is_null() ? "" : ", then PCA's")
                      : std::string("Decodings of a grid of latent points: units 1 and 2 from the prior's 5% to "
                                    "95% quantile, the others at its median"))
         << "</figcaption></figure>\n</section>\n";
  }
}

// The chart of generated rows among the data.
void write_generated_section(std::ostream& page, const json& data) {
  if (const json* generated = find_chart(data, "generated")) {
    page << "<section id=\"generated\">\n<h2>Generated</h2>\n"
         << chart_figure(*generated,
                         "Decodings of a grid of latent points among the data, in the data's first two principal "
                         "components")
         << "</section>\n";
  }
}

// The table of the autoencoder's measures against PCA's.
void write_baseline_section(std::ostream& page, const json& data) {
  if (data["baseline"].is_null()) return;
  const json& baseline = data["baseline"];
  page << "<section id=\"baseline\">\n<h2>Autoencoder and PCA</h2>\n<table class=\"baseline\">\n"
       << "<tr><th>measure</th><th>autoencoder</th><th>PCA, k=" << baseline["k"].get<int64_t>()
       << (baseline["scale"] == "none" ? "" : ", " + escaped(baseline["scale"]) + " scaled")
       << "</th><th>better</th></tr>\n";
  for (const json& m : baseline["measures"]) {
    page << "<tr><td>" << escaped(m["measure"]) << "</td><td>" << number_text(m["autoencoder"]) << "</td><td>"
         << number_text(m["pca"]) << "</td><td>" << escaped(m["better"]) << "</td></tr>\n";
  }
  page << "</table>\n";
  if (baseline.contains("ratio"))
    page << "<p>Ratio autoencoder / PCA of the first: " << number_text(baseline["ratio"]) << ".</p>\n";
  page << "</section>\n";
}

std::string render(const Computed& computed) {
  const json& data = computed.data;
  std::ostringstream page;
  write_head(page, data);
  write_model_section(page, data["model"]);
  write_training_section(page, data);
  if (!data["data"].is_null()) {
    write_errors_section(page, computed);
    write_codes_sections(page, data);
  }
  write_image_sections(page, computed);
  write_generated_section(page, data);
  write_baseline_section(page, data);
  page << "</main>\n<script type=\"application/json\" id=\"hourglass-report-data\">"
       << html::json_in_script(data.dump()) << "</script>\n<script>\n"
       << assets::report_js() << "</script>\n</body>\n</html>\n";
  return page.str();
}

}  // namespace

at::Tensor reconstruction_errors(const Model& model, const at::Tensor& data) {
  init_runtime();
  const auto rows = flat_rows(model, data);
  // A table's error is its score: the mean over each row's present columns.
  if (model.coding().recodes() || rows.isnan().any().item<bool>()) return model.score(rows);
  const RowLossFunction row_loss = row_loss_function(model.learner().loss);
  std::vector<at::Tensor> errors;
  for_each_scaled_chunk(model, rows, [&](int64_t, const at::Tensor& scaled) {
    errors.push_back(ModelAccess::impl(model).mean_over_networks(
        [&](auto& net) { return row_loss(net->forward(scaled).reshape_as(scaled), scaled); }));
  });
  return torch::cat(errors);
}

std::string report_data(const Model& model, const Dataset& data, const ReportOptions& options) {
  return compute(model, data, options).data.dump();
}

std::string render_report(const Model& model, const Dataset& data, const ReportOptions& options) {
  return render(compute(model, data, options));
}

void write_report(const std::string& path, const Model& model, const Dataset& data, const ReportOptions& options) {
  check_writable(path);
  write_file_atomically(path, render_report(model, data, options));
}

}  // namespace hourglass
