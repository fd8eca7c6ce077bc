// A layer kind is defined once: a kind registered here, in the test, works in spec
// strings, summaries, training and model files like the built-in ones.
#include "hourglass/network/layer_kind.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/train/train.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "nn/autoencoder_net.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

// y = factor * x + shift, with a learnt shift per feature.
class ScaleKind : public LayerKind {
 public:
  ScaleKind()
      : LayerKind("test_scale", "multiplies by a constant and adds a learnt shift",
                  {Parameter::number("factor", "the constant").above(0).otherwise(2.0),
                   Parameter::flag("shift", "learn a shift per feature").otherwise(true)}) {}
  Shape output_shape(const Layer&, const Shape& in, const ShapeCheck& check) const override {
    if (in.size() != 1) check.fail("takes one dimension");
    return in;
  }
  ParameterCount parameter_count(const Layer& layer, const Shape& in, const Shape&) const override {
    return {layer.flag("shift") ? in[0] : 0};
  }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape& in, const Shape&) const override {
    struct ShiftImpl : torch::nn::Module {
      ShiftImpl(int64_t n, double f, bool learn) : factor(f) {
        if (learn) shift = register_parameter("shift", torch::zeros({n}));
      }
      torch::Tensor forward(const torch::Tensor& x) { return shift.defined() ? x * factor + shift : x * factor; }
      double factor;
      torch::Tensor shift;
    };
    builder.add(torch::nn::AnyModule(std::make_shared<ShiftImpl>(in[0], layer.number("factor"), layer.flag("shift"))));
  }
};

struct Registered {
  Registered() {
    static bool once = [] {
      register_layer_kind(std::make_shared<ScaleKind>(), {"test_scale_alias"});
      return true;
    }();
    (void)once;
  }
};

TEST(LayerKind, ARegisteredKindWorksInSpecsSummariesTrainingAndFiles) {
  Registered registered;
  const Network net = parse_network("input() + dense(3, tanh) + test_scale(factor = 0.5) + dense(2) + output()");
  EXPECT_EQ(net[2], Layer("test_scale", {{"factor", 0.5}}));
  EXPECT_EQ(net[2].to_string(), "test_scale(factor=0.5)");
  EXPECT_EQ(parse_network(net.to_string()), net);
  EXPECT_EQ(parse_network("input() + dense(3) + test_scale_alias() + dense(2) + output()")[2].kind_name(),
            "test_scale");
  const std::string summary = net.summary(4);
  EXPECT_NE(summary.find("test_scale_1 (TestScale)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("Total params: " + std::to_string(15 + 3 + 8 + 12)), std::string::npos) << summary;

  const auto x = testing::low_rank_data(40, 4, 2);
  const Model model = train(autoencoder(net), x, TrainOptions().epochs(3).optimizer("adam").seed(1));
  const std::string path = testing::temp_path("scale.hgm");
  model.save(path);
  const Model loaded = Model::load(path);
  EXPECT_EQ(loaded.network(), net);
  EXPECT_TRUE(torch::equal(loaded.encode(x), model.encode(x)));
  // The shift was learnt and travelled in the file.
  EXPECT_GT(ModelAccess::impl(loaded).net->named_parameters()["decoder.0.shift"].abs().sum().item<double>(), 0.0);

  EXPECT_THROW(register_layer_kind(std::make_shared<ScaleKind>()), InvalidArgument);  // the name is taken
}

TEST(LayerKind, ArgumentsAreCheckedByTheirDefinition) {
  Registered registered;
  const auto error = [](const std::string& spec) {
    return testing::error_of<ParseError>([&] { parse_network(spec); });
  };
  EXPECT_NE(
      error("input() + test_scale(factor = -1) + dense(2) + output()").find("factor must be a number > 0, got -1"),
      std::string::npos);
  EXPECT_NE(error("input() + test_scale(size = 1) + dense(2) + output()").find("unknown argument 'size'"),
            std::string::npos);
  EXPECT_NE(error("input() + test_scale(shift = maybe) + dense(2) + output()").find("expected TRUE or FALSE"),
            std::string::npos);
  EXPECT_NE(error("input() + dense() + output()").find("dense() needs units"), std::string::npos);
  EXPECT_THROW(Layer("test_scale", {{"factor", std::string("big")}}), InvalidArgument);
  EXPECT_EQ(Layer("test_scale", {{"factor", int64_t{3}}}).number("factor"), 3.0);  // an integer is a number
  EXPECT_THROW(Layer("dense", {{"units", 2.5}}), InvalidArgument);
}

// Every built-in kind's parameter count (what summaries and the model file check use)
// equals the weights of the modules it builds.
TEST(LayerKind, EachKindCountsTheWeightsItBuilds) {
  const std::vector<std::pair<Layer, Shape>> cases = {
      {dense(7, "relu"), {5}},
      {dense(7, "relu").with("use_bias", false), {5}},
      {output("sigmoid"), {5}},
      {output("sigmoid"), {4, 6, 6}},
      {dropout(0.3), {5}},
      {batch_norm(), {5}},
      {batch_norm(), {3, 4, 4}},
      {variational(3), {5}},
      {variational(3).with("covariance", std::string("full")), {5}},
      {Layer("activation", {{"activation", std::string("softmax")}}), {5}},
      {Layer("leaky_relu", {{"alpha", 0.1}}), {2, 6}},
      {conv(4, 3, "relu", ConvOptions().max_pooling(2)), {2, 8, 8}},
      {conv(4, 3, "relu", ConvOptions().use_bias(false)), {2, 9}},
      {conv_transpose(4, 3, "relu", ConvOptions().strides(2)), {2, 5, 5}},
      {flatten(), {2, 3, 3}},
      {reshape({2, 3}), {6}},
      {lstm(7), {5}},
      {lstm(7, "relu", true).with("use_bias", false), {2, 9}},
      {gru(4, "tanh", true), {3, 6}},
      {repeat_vector(4), {5}},
      {output("sigmoid").with("per_step", true), {4, 6}},
  };
  std::vector<std::string> covered;
  for (const auto& [layer, in] : cases) {
    covered.push_back(layer.kind_name());
    const ShapeCheck check(in, [] { return std::string(); });
    const Shape out = layer.kind().output_shape(layer, in, check);
    torch::nn::Module network;
    torch::nn::Sequential stage;
    ModuleBuilder builder(stage, network);
    layer.kind().build(builder, layer, in, out);
    int64_t trainable = 0, frozen = 0;
    for (const auto& p : stage->parameters()) trainable += p.numel();
    for (const auto& p : network.parameters()) trainable += p.numel();
    for (const auto& b : stage->buffers()) frozen += b.scalar_type() == torch::kLong ? 0 : b.numel();
    const ParameterCount count = layer.kind().parameter_count(layer, in, out);
    EXPECT_EQ(count.trainable, trainable) << layer.to_string();
    EXPECT_EQ(count.frozen, frozen) << layer.to_string();
    // And the modules give the shape the rule predicts.
    std::vector<int64_t> sizes{2};
    sizes.insert(sizes.end(), in.begin(), in.end());
    if (!layer.is("variational")) {
      stage->eval();
      EXPECT_EQ(stage->forward(torch::randn(sizes)).sizes().slice(1).vec(), out) << layer.to_string();
    }
  }
  for (const LayerKind* kind : layer_kinds()) {
    if (kind->name() == "input" || kind->name().rfind("test_", 0) == 0) continue;
    EXPECT_NE(std::find(covered.begin(), covered.end(), kind->name()), covered.end())
        << kind->name() << " has no case here";
  }
}

}  // namespace
}  // namespace hourglass
