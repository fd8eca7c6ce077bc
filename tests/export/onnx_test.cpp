// ONNX export: every layer kind, activation, loss and part, run in ONNX Runtime on the
// inputs Hourglass computed on and compared with Hourglass's outputs (max abs difference
// <= 1e-5 in fp32); every file passes ONNX's Python checker.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "hourglass/hourglass.hpp"
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "losses/losses.hpp"
#include "nn/activation.hpp"
#include "support/fixtures.hpp"
#include "support/onnx_runtime.hpp"

namespace hourglass {
namespace {

using testing::check_with_python_onnx;
using testing::error_of;
using testing::run_in_onnx_runtime;
using testing::temp_path;

constexpr double kTolerance = 1e-5;

double max_abs_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble).reshape({a.size(0), -1}) - b.to(torch::kDouble).reshape({b.size(0), -1}))
      .abs()
      .max()
      .item<double>();
}

// Values in [0, 1) from a fixed seed, rows x shape.
torch::Tensor uniform_data(std::vector<int64_t> shape, uint64_t seed = 7) {
  auto generator = at::detail::createCPUGenerator(seed);
  return torch::rand(shape, generator);
}

Model trained(const Autoencoder& learner, const torch::Tensor& data, const std::string& scale = "minmax") {
  return train(learner, data, TrainOptions().epochs(2).batch_size(16).seed(3).scale(scale).optimizer("adam"));
}

// What Hourglass computes for a part, and the input it computes it on.
struct Expected {
  std::string input;
  torch::Tensor in, out;
};

// The scorer's reference: Hourglass's own row loss of the reconstruction, both scaled.
torch::Tensor hourglass_scores(const Model& model, const torch::Tensor& data) {
  const auto flat = data.reshape({data.size(0), -1});
  const auto scaled_reconstruction = model.scaler().transform(model.reconstruct(data).reshape({data.size(0), -1}));
  return row_loss_function(model.learner().loss)(scaled_reconstruction, model.scaler().transform(flat));
}

Expected hourglass_part(const Model& model, const std::string& part, const torch::Tensor& data) {
  const auto flat = data.reshape({data.size(0), -1});
  if (part == "encoder") return {"data", flat, model.encode(data)};
  if (part == "decoder") {
    const auto codes = model.encode(data) + 0.1;  // codes the training did not see
    return {"code", codes, model.decode(codes)};
  }
  if (part == "autoencoder") return {"data", flat, model.reconstruct(data)};
  return {"data", flat, hourglass_scores(model, data)};
}

const char* output_of(const std::string& part) {
  if (part == "encoder") return "code";
  if (part == "scorer") return "score";
  return "reconstruction";
}

// Exports `part`, checks it with ONNX's checker and runs it in ONNX Runtime; returns
// the largest difference from Hourglass (relative: divided by max(1, |Hourglass's|)).
double exported_difference(const Model& model, const std::string& part, const torch::Tensor& data,
                           bool relative = false) {
  const std::string path = temp_path(part + ".onnx");
  model.export_onnx(path, part);
  EXPECT_EQ(check_with_python_onnx(path).rfind("FAILED", 0), std::string::npos) << check_with_python_onnx(path);
  const auto expected = hourglass_part(model, part, data);
  auto outputs = run_in_onnx_runtime(path, {{expected.input, expected.in}});
  if (!outputs.count(output_of(part))) return 1e9;
  const auto& got = outputs.at(output_of(part));
  EXPECT_EQ(got.size(0), data.size(0));
  if (relative)
    return max_abs_difference(got / expected.out.abs().clamp_min(1), expected.out / expected.out.abs().clamp_min(1));
  return max_abs_difference(got, expected.out);
}

void expect_every_part_matches(const Model& model, const torch::Tensor& data,
                               const std::vector<std::string>& parts = onnx_parts()) {
  for (const auto& part : parts) {
    EXPECT_LE(exported_difference(model, part, data), kTolerance) << part << " of " << model.network().to_string();
  }
}

TEST(OnnxExport, DenseModelWithDropoutAndBatchNormMatchesOnnxRuntime) {
  const auto data = uniform_data({40, 6});
  const auto net = parse_network(
      "input() + dense(8, tanh) + dropout(0.3) + batch_norm() + dense(3, relu, use_bias=FALSE) + dense(8, elu) + "
      "output(sigmoid)");
  expect_every_part_matches(trained(autoencoder(net, "bce"), data), data);
}

TEST(OnnxExport, ZscoreScalerIsPartOfTheGraph) {
  const auto data = testing::low_rank_data(48, 5, 2);
  const Model model = trained(autoencoder("8,2:tanh"), data, "zscore");
  expect_every_part_matches(model, data);
}

TEST(OnnxExport, EveryActivationMatchesOnnxRuntime) {
  const auto data = uniform_data({24, 5});
  for (const auto& name : activation_names()) {
    SCOPED_TRACE(name);
    const auto net = input() + dense(6, name) + dense(3) + Layer("activation", {{"activation", name}}) +
                     Layer("leaky_relu", {{"alpha", 0.1}}) + dense(6) + output();
    const Model model = trained(autoencoder(net), data);
    EXPECT_LE(exported_difference(model, "autoencoder", data), kTolerance);
  }
}

TEST(OnnxExport, EveryLossScoresRowsAsHourglassDoes) {
  const auto data = uniform_data({32, 5}) * 0.9 + 0.05;  // inside (0, 1), where every loss is finite
  for (const auto& loss : losses().names()) {
    SCOPED_TRACE(loss);
    const Model model =
        trained(autoencoder(input() + dense(4, "tanh") + dense(2) + dense(4, "tanh") + output("sigmoid"), loss), data);
    // Relative: mape divides by the target, clamped at 1e-7, so a target that minmax
    // scaling puts at 0 scores ~1e9, which float32 holds to ~100.
    EXPECT_LE(exported_difference(model, "scorer", data, /*relative=*/true), kTolerance);
  }
}

TEST(OnnxExport, ConvolutionalModelMatchesOnnxRuntime) {
  // ruta's convolutional autoencoder: pooling to a 2x2x2 code, upsampling back.
  const auto data = uniform_data({24, 1, 8, 8});
  const auto net = parse_network(
      "input() + conv(4, 3, relu, max_pooling=2) + conv(2, 3, relu, max_pooling=2) + conv(2, 3, relu, upsampling=2) "
      "+ conv(4, 3, relu, upsampling=2) + conv(1, 3, sigmoid)");
  const Model model = trained(autoencoder(net, "bce"), data);
  ASSERT_EQ(model.code_shape(), (Shape{2, 2, 2}));  // the decoder takes a code that is not a flat vector
  expect_every_part_matches(model, data);
}

TEST(OnnxExport, StridesValidPaddingAveragePoolingAndTransposedConvolutionsMatchOnnxRuntime) {
  const auto data = uniform_data({24, 1, 8, 8});
  // 8 -valid 3-> 6 -batch norm-> -stride 2-> 3 -average pool (a partial window)-> 2 -> a
  // flat code -> 4x2x2 -k1 s2 (output padding)-> 4 -k3 s2 (crop)-> 8 -> a 3x3 output conv.
  const auto net = parse_network(
      "input() + conv(4, 3, relu, padding=valid) + batch_norm() + conv(4, 2, elu, strides=2, average_pooling=2) + "
      "flatten() + dense(8, relu) + dense(5) + dense(16, relu) + reshape(4, 2, 2) + conv_transpose(4, 1, relu, "
      "strides=2, "
      "padding=valid) + conv_transpose(3, 3, tanh, strides=2) + output(sigmoid)");
  expect_every_part_matches(trained(autoencoder(net, "bce"), data), data);
}

TEST(OnnxExport, SamePaddingKeepsPartialPoolingWindows) {
  // 7 pools to 4 with "same" (a partial last window), upsamples to 8, a valid 2-wide conv
  // brings it back to 7.
  const auto data = uniform_data({16, 2, 7, 7});
  const auto net = parse_network(
      "input() + conv(3, 3, relu, strides=1, max_pooling=2) + conv(3, 3, relu, upsampling=2) + "
      "conv(2, 2, linear, padding=valid)");
  expect_every_part_matches(trained(autoencoder(net), data), data);
}

TEST(OnnxExport, OneDimensionalConvolutionsMatchOnnxRuntime) {
  const auto data = uniform_data({24, 2, 12});
  const auto net = parse_network(
      "input() + conv(4, 3, relu, average_pooling=2) + conv(4, 3, selu, max_pooling=2) + conv(4, 3, relu, "
      "upsampling=2) + conv_transpose(3, 2, relu, strides=2) + output()");
  expect_every_part_matches(trained(autoencoder(net), data), data);
}

TEST(OnnxExport, RecurrentModelsMatchOnnxRuntime) {
  const auto waves = torch::sin(torch::linspace(0, 6, 12).unsqueeze(0) + uniform_data({24, 1}) * 6);
  for (const std::string cell : {"lstm", "gru"}) {
    for (const std::string activation : {"tanh", "relu"}) {
      SCOPED_TRACE(cell + ", " + activation);
      const auto step = [&](int64_t units, bool every_step) {
        return Layer(cell, {{"units", units}, {"activation", activation}, {"return_sequences", every_step}});
      };
      // Keras's LSTM autoencoder on one channel, and a stacked one on two channels.
      expect_every_part_matches(
          trained(autoencoder(input() + step(5, false) + repeat_vector(12) + step(5, true) + output()), waves), waves);
      const auto two_channels = uniform_data({20, 2, 8});
      expect_every_part_matches(trained(autoencoder(input() + step(6, true) + step(3, false) + repeat_vector(8) +
                                                    step(6, true) + output("sigmoid")),
                                        two_channels),
                                two_channels);
    }
  }
}

TEST(OnnxExport, RecurrentActivationOnnxLacksIsNamed) {
  const auto waves = uniform_data({16, 6});
  const Model model =
      trained(autoencoder(input() + lstm(3, "selu") + repeat_vector(6) + lstm(3, "tanh", true) + output()), waves);
  EXPECT_EQ(error_of<InvalidArgument>([&] { model.export_onnx(temp_path("selu.onnx")); }),
            "lstm(3, activation=selu) cannot be exported: ONNX's lstm takes the activations tanh, sigmoid, relu, "
            "softsign, softplus, elu, hard_sigmoid, not selu");
}

TEST(OnnxExport, VariationalEncoderGivesTheMeanAndDecoderGenerates) {
  const auto data = uniform_data({40, 6});
  for (const std::string covariance : {"diagonal", "full"}) {
    SCOPED_TRACE(covariance);
    const auto net = input() + dense(8, "relu") + variational(3).with("covariance", covariance) + dense(8, "relu") +
                     output("sigmoid");
    const Model model = trained(autoencoder_variational(net), data);
    expect_every_part_matches(model, data);
    // The decoder is the generator: ruta's generate() grid through it.
    const auto grid = model.generation_grid({1, 2}, 0.05, 0.95, 4);
    const std::string path = temp_path("generator.onnx");
    model.export_onnx(path, "decoder");
    const auto outputs = run_in_onnx_runtime(path, {{"code", grid}});
    ASSERT_TRUE(outputs.count("reconstruction"));
    EXPECT_LE(max_abs_difference(outputs.at("reconstruction"), model.generate({1, 2}, 0.05, 0.95, 4)), kTolerance);
  }
}

TEST(OnnxExport, ScorerWithThresholdFlagsOutliersAndRecordsMetadata) {
  const auto data = uniform_data({40, 4});
  const Model model = trained(autoencoder("6,2:tanh"), data);
  const auto scores = hourglass_scores(model, data);
  const double threshold = scores.median().item<double>();
  const std::string path = temp_path("scorer.onnx");
  export_onnx(model, path, OnnxExportOptions().part("scorer").threshold(threshold).columns({"a", "b", "c", "d"}));
  const auto outputs = run_in_onnx_runtime(path, {{"data", data}});
  ASSERT_TRUE(outputs.count("outlier"));
  EXPECT_LE(max_abs_difference(outputs.at("score"), scores), kTolerance);
  EXPECT_TRUE(outputs.at("outlier").equal((scores > static_cast<float>(threshold)).to(torch::kLong)));
  const int64_t outliers = outputs.at("outlier").sum().item<int64_t>();
  EXPECT_GT(outliers, 0);
  EXPECT_LT(outliers, data.size(0));
  const auto metadata = check_with_python_onnx(path);
  EXPECT_NE(metadata.find("hourglass.threshold=" + format_number(threshold)), std::string::npos) << metadata;
  EXPECT_NE(metadata.find("hourglass.columns=a,b,c,d"), std::string::npos) << metadata;
  EXPECT_NE(metadata.find(std::string("hourglass.version=") + version()), std::string::npos) << metadata;
  EXPECT_NE(metadata.find("hourglass.part=scorer"), std::string::npos) << metadata;
}

TEST(OnnxExport, TheScorerFlagsByTheModelsOwnThreshold) {
  const auto data = uniform_data({60, 4});
  Model model = trained(autoencoder("6,2:tanh"), data);
  const double threshold = model.set_threshold(data, "contamination:0.1").value;
  const std::string path = temp_path("own-threshold.onnx");
  export_onnx(model, path, OnnxExportOptions().part("scorer"));
  const auto outputs = run_in_onnx_runtime(path, {{"data", data}});
  ASSERT_TRUE(outputs.count("outlier"));
  // The model's own flags, from its own scores: the same rows.
  EXPECT_TRUE(outputs.at("outlier").equal(model.is_outlier(data).to(torch::kLong)));
  EXPECT_NE(check_with_python_onnx(path).find("hourglass.threshold=" + format_number(threshold)), std::string::npos);
}

TEST(OnnxExport, ATableWithCategoriesHolesAndIndicatorsMatchesOnnxRuntime) {
  // A number, two categories (one of them with holes) and a number with holes.
  std::string csv = "x,colour,size,y\n";
  const char* colours[] = {"red", "green", "blue", "black"};
  for (int r = 0; r < 80; ++r) {
    const int h = (r * 7) % 4;
    csv += std::to_string(h + 0.1 * (r % 5)) + "," + (r % 9 == 4 ? "NA" : colours[h]) + "," + (h < 2 ? "S" : "L") +
           "," + (r % 11 == 5 ? "NA" : std::to_string(10 * h + 1)) + "\n";
  }
  const Dataset table = parse_delimited(csv, "t.csv");
  for (const std::string loss : {"mse", "mae"}) {
    const Model model = train(autoencoder("6,3:tanh", loss), table,
                              TrainOptions().epochs(3).batch_size(16).seed(3).scale("zscore").missing_indicators(true));
    ASSERT_EQ(model.coding().width(), 1 + 4 + 2 + 1 + 2);
    const auto& rows = table.features;
    const std::map<std::string, std::pair<torch::Tensor, torch::Tensor>> parts = {
        {"encoder", {rows, model.encode(rows)}},
        {"decoder", {model.encode(rows) + 0.1, model.decode(model.encode(rows) + 0.1)}},
        {"autoencoder", {rows, model.reconstruct(rows)}},
        {"scorer", {rows, model.score(rows)}}};
    for (const auto& [part, io] : parts) {
      const std::string path = temp_path("table-" + part + ".onnx");
      model.export_onnx(path, part);
      EXPECT_EQ(check_with_python_onnx(path).rfind("FAILED", 0), std::string::npos) << check_with_python_onnx(path);
      const auto outputs = run_in_onnx_runtime(path, {{part == "decoder" ? "code" : "data", io.first}});
      ASSERT_TRUE(outputs.count(output_of(part))) << part;
      EXPECT_LE(max_abs_difference(outputs.at(output_of(part)), io.second), kTolerance) << part << " with " << loss;
    }
    const auto metadata = check_with_python_onnx(temp_path("table-scorer.onnx"));
    EXPECT_NE(metadata.find(R"(hourglass.levels=[[],["black","blue","green","red"],["L","S"],[]])"), std::string::npos)
        << metadata;
    EXPECT_NE(metadata.find("hourglass.missing_indicators=[1,3]"), std::string::npos) << metadata;
  }
}

TEST(OnnxExport, BadRequestsAreRefusedWithOneLine) {
  const auto data = uniform_data({16, 4});
  const Model model = trained(autoencoder("4,2"), data);
  EXPECT_EQ(error_of<InvalidArgument>([&] { onnx_model(model, OnnxExportOptions().part("generator")); }),
            "unknown ONNX part 'generator' (valid: encoder, decoder, autoencoder, scorer)");
  EXPECT_EQ(error_of<InvalidArgument>([&] { onnx_model(model, OnnxExportOptions().part("encoder").threshold(1)); }),
            "a threshold applies to the scorer, not the encoder; export --part scorer, or leave the threshold out");
  EXPECT_EQ(error_of<InvalidArgument>([&] { onnx_model(model, OnnxExportOptions().part("scorer").threshold(1e300)); }),
            "the threshold must be a finite number within float32's range, got 1e+300");
  EXPECT_EQ(error_of<InvalidArgument>([&] { onnx_model(model, OnnxExportOptions().part("scorer").threshold(NAN)); }),
            "the threshold must be a finite number within float32's range, got nan");
  EXPECT_EQ(error_of<InvalidArgument>([&] { onnx_model(model, OnnxExportOptions().columns({"a"})); }),
            "the model has 4 columns but 1 column names were given");
  const std::string unwritable = temp_path("missing-folder") + "/model.onnx";
  EXPECT_THROW(model.export_onnx(unwritable), Error);
  EXPECT_FALSE(std::ifstream(unwritable).good());
}

// A kind of its own without an ONNX form: the export names the layer.
class DoublingKind : public LayerKind {
 public:
  DoublingKind() : LayerKind("doubling_for_onnx_test", "multiplies by 2", {}) {}
  Shape output_shape(const Layer&, const Shape& in, const ShapeCheck&) const override { return in; }
  void build(ModuleBuilder& builder, const Layer&, const Shape&, const Shape&) const override {
    builder.add_function([](const torch::Tensor& x) { return x * 2; });
  }
};

TEST(OnnxExport, LayerKindWithoutOnnxFormIsNamed) {
  static const bool registered = [] {
    register_layer_kind(std::make_shared<DoublingKind>());
    return true;
  }();
  ASSERT_TRUE(registered);
  const auto data = uniform_data({16, 4});
  const Model model =
      trained(autoencoder(parse_network("input() + dense(2) + doubling_for_onnx_test() + output()")), data);
  EXPECT_EQ(error_of<InvalidArgument>([&] { onnx_model(model, OnnxExportOptions().part("decoder")); }),
            "layer doubling_for_onnx_test() cannot be exported to ONNX: the layer kind 'doubling_for_onnx_test' has no "
            "ONNX form (its LayerKind does not override export_onnx); export a model without it");
  // The encoder does not contain it.
  EXPECT_NO_THROW(onnx_model(model, OnnxExportOptions().part("encoder")));
}

TEST(OnnxExport, EveryActivationAndLossHasAnOnnxForm) {
  for (const auto& [name, loss] : losses().entries()) EXPECT_NE(loss->onnx, nullptr) << name;
  OnnxBuilder onnx("activations");
  onnx.input("x", 3);
  for (const auto& name : activation_names()) EXPECT_NO_THROW(nn::onnx_activation(onnx, name, "x")) << name;
}

}  // namespace
}  // namespace hourglass
