// lstm(), gru() and repeat_vector(): the modules against the cells' equations written
// out step by step, Keras's initialisation, the shapes, the per-step output and the
// messages.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "hourglass/hourglass.hpp"
#include "hourglass/nn/module_builder.hpp"
#include "nn/autoencoder_net.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::error_of;

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }
double apply(const std::string& activation, double z) {
  if (activation == "tanh") return std::tanh(z);
  if (activation == "relu") return z > 0 ? z : 0.0;
  throw std::logic_error("no reference for " + activation);
}

// The layer's modules on samples of shape `in`, and the weights they hold.
struct Built {
  torch::nn::Sequential stage;
  torch::OrderedDict<std::string, torch::Tensor> weights;
};
Built build(const Layer& layer, const Shape& in) {
  Built built;
  torch::nn::Module owner;
  ModuleBuilder builder(built.stage, owner);
  const ShapeCheck check(in, [] { return std::string(); });
  layer.kind().build(builder, layer, in, layer.kind().output_shape(layer, in, check));
  built.weights = built.stage->named_parameters();
  return built;
}

// Reads weight "<cell>.<name>_l0" of a built recurrent layer as doubles.
torch::TensorAccessor<double, 2> matrix(const Built& built, const std::string& name, torch::Tensor& keep) {
  for (const auto& item : built.weights) {
    if (item.key().find(name + "_l0") != std::string::npos) {
      keep = item.value().to(torch::kDouble).contiguous();
      if (keep.dim() == 1) keep = keep.unsqueeze(1);
      return keep.accessor<double, 2>();
    }
  }
  throw std::logic_error("no weight " + name);
}

// The cell equations (LibTorch's gate order; Keras's are the same cells), one unit and
// one step at a time, in double: N x C x L -> N x units x L (every step's hidden state).
torch::Tensor reference(const Built& built, const std::string& cell, const std::string& activation,
                        const torch::Tensor& x) {
  torch::Tensor k1, k2, k3, k4;
  const auto w_ih = matrix(built, "weight_ih", k1), w_hh = matrix(built, "weight_hh", k2);
  const auto b_ih = matrix(built, "bias_ih", k3), b_hh = matrix(built, "bias_hh", k4);
  const int64_t n = x.size(0), channels = x.size(1), length = x.size(2), units = k2.size(1);
  const auto xs = x.to(torch::kDouble).contiguous();
  const auto in = xs.accessor<double, 3>();
  auto out = torch::zeros({n, units, length}, torch::kDouble);
  auto y = out.accessor<double, 3>();
  for (int64_t s = 0; s < n; ++s) {
    std::vector<double> h(units, 0.0), c(units, 0.0);
    for (int64_t t = 0; t < length; ++t) {
      // Pre-activations of gate g for unit u: the input's and the hidden state's parts apart.
      const auto part = [&](int64_t g, int64_t u, bool hidden) {
        const int64_t row = g * units + u;
        double z = hidden ? b_hh[row][0] : b_ih[row][0];
        if (hidden) {
          for (int64_t k = 0; k < units; ++k) z += w_hh[row][k] * h[k];
        } else {
          for (int64_t k = 0; k < channels; ++k) z += w_ih[row][k] * in[s][k][t];
        }
        return z;
      };
      std::vector<double> next(units);
      for (int64_t u = 0; u < units; ++u) {
        if (cell == "lstm") {
          const double i = sigmoid(part(0, u, false) + part(0, u, true));
          const double f = sigmoid(part(1, u, false) + part(1, u, true));
          const double g = apply(activation, part(2, u, false) + part(2, u, true));
          const double o = sigmoid(part(3, u, false) + part(3, u, true));
          c[u] = f * c[u] + i * g;
          next[u] = o * apply(activation, c[u]);
        } else {
          const double r = sigmoid(part(0, u, false) + part(0, u, true));
          const double z = sigmoid(part(1, u, false) + part(1, u, true));
          const double candidate = apply(activation, part(2, u, false) + r * part(2, u, true));
          next[u] = (1 - z) * candidate + z * h[u];
        }
      }
      h = next;
      for (int64_t u = 0; u < units; ++u) y[s][u][t] = h[u];
    }
  }
  return out;
}

TEST(Recurrent, LstmAndGruMatchTheirEquationsStepByStep) {
  torch::manual_seed(4);
  const auto x = torch::randn({3, 2, 5});  // 3 sequences of 5 steps, 2 channels
  for (const std::string cell : {"lstm", "gru"}) {
    for (const std::string activation : {"tanh", "relu"}) {  // LibTorch's kernel, and the unrolled steps
      SCOPED_TRACE(cell + ", " + activation);
      Built built =
          build(Layer(cell, {{"units", int64_t{4}}, {"activation", activation}, {"return_sequences", true}}), {2, 5});
      {
        torch::NoGradGuard no_grad;  // biases away from Keras's zeros, so that they count
        for (auto& item : built.weights) item.value().uniform_(-0.5, 0.5);
      }
      const auto expected = reference(built, cell, activation, x);
      const auto every_step = built.stage->forward(x);
      ASSERT_EQ(every_step.sizes(), (std::vector<int64_t>{3, 4, 5}));
      EXPECT_LT((every_step.to(torch::kDouble) - expected).abs().max().item<double>(), 1e-5);

      // Without return_sequences, the same weights give the last step.
      Built last = build(Layer(cell, {{"units", int64_t{4}}, {"activation", activation}}), {2, 5});
      {
        torch::NoGradGuard no_grad;
        for (auto& item : last.weights) item.value().copy_(built.weights[item.key()]);
      }
      const auto code = last.stage->forward(x);
      ASSERT_EQ(code.sizes(), (std::vector<int64_t>{3, 4}));
      EXPECT_LT((code.to(torch::kDouble) - expected.select(2, 4)).abs().max().item<double>(), 1e-5);
    }
  }
}

// The LSTM's forward and backward passes, fused per step (nn/recurrent.cpp), against
// LibTorch's own LSTM differentiated by autograd: the output, the gradients of the input
// and of every weight, and the second derivatives the contractive penalty takes.
TEST(Recurrent, FusedLstmGradientsMatchLibTorchsLstmUnderAutograd) {
  torch::manual_seed(7);
  for (const bool use_bias : {true, false}) {
    SCOPED_TRACE(use_bias ? "with bias" : "without bias");
    Built built =
        build(Layer("lstm", {{"units", int64_t{5}}, {"return_sequences", true}, {"use_bias", use_bias}}), {3, 7});
    built.stage->to(torch::kDouble);
    std::vector<torch::Tensor> weights;
    for (const auto& name : {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
      for (const auto& item : built.stage->named_parameters()) {
        if (item.key().find(std::string(name) + "_l0") != std::string::npos) weights.push_back(item.value());
      }
    }
    {
      torch::NoGradGuard no_grad;
      for (auto& weight : weights) weight.uniform_(-0.6, 0.6);
    }
    const auto x = torch::randn({4, 3, 7}, torch::kDouble).requires_grad_();
    const auto mix = torch::randn({4, 5, 7}, torch::kDouble);
    const auto zeros = torch::zeros({1, 4, 5}, torch::kDouble);
    const auto libtorch = [&](const torch::Tensor& input) {
      return std::get<0>(at::lstm(input.transpose(1, 2), {zeros, zeros}, weights, use_bias, 1, 0.0, true, false, true))
          .transpose(1, 2);
    };
    std::vector<torch::Tensor> inputs{x};
    inputs.insert(inputs.end(), weights.begin(), weights.end());
    const auto first_order = [&](const torch::Tensor& output) {
      return torch::autograd::grad({(output * mix).sum()}, inputs);
    };
    const auto fused = built.stage->forward(x);
    EXPECT_LT((fused - libtorch(x)).abs().max().item<double>(), 1e-12);
    const auto ours = first_order(fused), theirs = first_order(libtorch(x));
    for (size_t i = 0; i < inputs.size(); ++i) {
      EXPECT_LT((ours[i] - theirs[i]).abs().max().item<double>(), 1e-10) << "gradient " << i;
    }
    // A penalty on the input gradient, differentiated again (create_graph).
    const auto second_order = [&](const torch::Tensor& output) {
      const auto input_grad = torch::autograd::grad({output.sum()}, {x}, {}, true, true)[0];
      return torch::autograd::grad({input_grad.square().sum()}, {weights[0], weights[1]});
    };
    const auto ours2 = second_order(built.stage->forward(x)), theirs2 = second_order(libtorch(x));
    for (size_t i = 0; i < ours2.size(); ++i) {
      EXPECT_LT((ours2[i] - theirs2[i]).abs().max().item<double>(), 1e-10) << "second derivative " << i;
    }
  }
}

TEST(Recurrent, OneDimensionalSamplesAreOneChannel) {
  torch::manual_seed(1);
  Built flat = build(lstm(3), {6});
  const auto x = torch::randn({2, 6});
  EXPECT_TRUE(torch::allclose(flat.stage->forward(x), flat.stage->forward(x.unsqueeze(1))));
  EXPECT_EQ(flat.weights[flat.weights.keys()[0]].size(1), 1);
}

TEST(Recurrent, StartsWithKerasInitialisation) {
  torch::manual_seed(0);
  Built built = build(lstm(16), {3, 10});
  const auto w_ih = built.weights["0.lstm.weight_ih_l0"], w_hh = built.weights["0.lstm.weight_hh_l0"];
  const double limit = std::sqrt(6.0 / (3 + 4 * 16));  // glorot_uniform over the 3 x 64 kernel
  EXPECT_LE(w_ih.abs().max().item<double>(), limit);
  EXPECT_GT(w_ih.abs().max().item<double>(), 0.9 * limit);
  // Orthogonal recurrent kernel: its 16 columns are orthonormal.
  EXPECT_TRUE(torch::allclose(w_hh.t().mm(w_hh), torch::eye(16), 1e-4, 1e-5));
  // unit_forget_bias: one for the forget gate, zero elsewhere.
  const auto bias = built.weights["0.lstm.bias_ih_l0"] + built.weights["0.lstm.bias_hh_l0"];
  EXPECT_TRUE(torch::equal(bias.narrow(0, 16, 16), torch::ones(16)));
  EXPECT_EQ(bias.abs().sum().item<double>(), 16.0);
  Built gru_built = build(gru(8), {3, 10});
  EXPECT_EQ((gru_built.weights["0.gru.bias_ih_l0"].abs().sum()).item<double>(), 0.0);
}

TEST(Recurrent, RepeatVectorCopiesTheCodeToEveryStep) {
  Built built = build(repeat_vector(4), {3});
  const auto code = torch::tensor({{1.0f, 2.0f, 3.0f}});
  const auto steps = built.stage->forward(code);
  ASSERT_EQ(steps.sizes(), (std::vector<int64_t>{1, 3, 4}));
  for (int64_t t = 0; t < 4; ++t) EXPECT_TRUE(torch::equal(steps.select(2, t), code));
}

TEST(Recurrent, KerasLstmAutoencoderReadsTheSameAndMapsEveryStep) {
  const auto net = input() + lstm(8) + repeat_vector(12) + lstm(8, "tanh", true) + output();
  EXPECT_EQ(net.to_string(),
            "input() + lstm(8) + repeat_vector(12) + lstm(8, return_sequences=TRUE) + output(linear, per_step=TRUE)");
  EXPECT_EQ(parse_network("input() + lstm(8) + repeat_vector(12) + lstm(8, return_sequences = TRUE) + output()"), net);
  EXPECT_EQ(net.encoding_index(), 1u);
  for (const Shape& data : {Shape{12}, Shape{3, 12}}) {
    SCOPED_TRACE(shape_to_string(data));
    const auto shapes = net.output_shapes(data);
    EXPECT_EQ(shapes[1], (Shape{8}));
    EXPECT_EQ(shapes[2], (Shape{8, 12}));
    EXPECT_EQ(shapes[3], (Shape{8, 12}));
    EXPECT_EQ(shapes[4], data);
    nn::AutoencoderNet module(net, data);
    int64_t values = 0;
    for (const auto& p : module->parameters()) values += p.numel();
    const int64_t channels = data.size() == 1 ? 1 : data[0];
    const int64_t expected = 4 * 8 * (channels + 8) + 2 * 4 * 8 + 4 * 8 * (8 + 8) + 2 * 4 * 8 + 8 * channels + channels;
    EXPECT_EQ(values, expected);
    EXPECT_NE(net.summary(data).find("Total params: " + std::to_string(expected)), std::string::npos);
    const auto x = torch::randn({5, shape_size(data)});
    EXPECT_EQ(module->forward(x).sizes(), (std::vector<int64_t>{5, shape_size(data)}));
    EXPECT_EQ(module->encode(x).sizes(), (std::vector<int64_t>{5, 8}));
  }
}

TEST(Recurrent, PerStepOutputIsOneDenseLayerAtEveryStep) {
  torch::manual_seed(2);
  nn::AutoencoderNet module(input() + gru(4, "tanh", true) + output("sigmoid"), Shape{2, 6});
  const auto x = torch::randn({3, 12});
  const auto params = module->named_parameters();
  torch::Tensor weight, bias, sequence;
  for (const auto& item : params) {
    if (item.key().rfind("decoder.", 0) == 0 && item.key().find(".weight") != std::string::npos) weight = item.value();
    if (item.key().rfind("decoder.", 0) == 0 && item.key().find(".bias") != std::string::npos) bias = item.value();
  }
  ASSERT_EQ(weight.sizes(), (std::vector<int64_t>{2, 4}));
  sequence = module->encode(x).view({3, 4, 6});  // the GRU is the code: every step's state
  // Step t of channel c: sigmoid(sum_u W[c][u] h[u][t] + b[c]).
  const auto expected = torch::sigmoid(torch::einsum("cu,nut->nct", {weight, sequence}) + bias.view({1, 2, 1}));
  EXPECT_TRUE(torch::allclose(module->forward(x), expected.flatten(1), 1e-5, 1e-6));
}

TEST(Recurrent, BadShapesAndArgumentsAreNamed) {
  EXPECT_NE(error_of<InvalidArgument>([] {
              (input() + lstm(4) + output()).output_shapes({1, 8, 8});
            }).find("takes sequences of shape CxL"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([] {
              (input() + lstm(4, "tanh", true) + repeat_vector(3) + output()).output_shapes({10});
            }).find("repeats a vector"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([] {
              (input() + lstm(4) + repeat_vector(9) + lstm(4, "tanh", true) + output()).output_shapes({10});
            }).find("must have the data's length 10"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([] { lstm(0); }).find("units must be"), std::string::npos);
  EXPECT_NE(
      error_of<ParseError>([] { parse_network("input() + gru(4, activation = tanhh) + output()"); }).find("tanhh"),
      std::string::npos);
}

TEST(Recurrent, TrainsSavesAndLoadsAsEveryModel) {
  const auto t = torch::linspace(0, 6.28, 16);
  const auto phases = torch::rand({40, 1});
  const auto data = torch::sin(t.unsqueeze(0) + phases * 6.28);  // 40 sine waves of 16 steps
  const auto net = input() + lstm(6) + repeat_vector(16) + lstm(6, "tanh", true) + output();
  const Model model = train(autoencoder(net), data, TrainOptions().epochs(3).batch_size(8).seed(5));
  const std::string path = testing::temp_path("lstm.hgm");
  model.save(path);
  const Model loaded = Model::load(path);
  EXPECT_EQ(loaded.network(), model.network());
  EXPECT_TRUE(torch::equal(loaded.reconstruct(data), model.reconstruct(data)));
  EXPECT_EQ(model.encode(data).sizes(), (std::vector<int64_t>{40, 6}));
}

TEST(Recurrent, AnLstmAutoencoderLearnsPhaseShiftedWaves) {
  // sin(0.3 t - phase), 30 steps: a one-parameter family the code must capture. Predicting
  // the mean wave scores the variance, 0.5; the trained network must do far better.
  auto generator = at::detail::createCPUGenerator(3);
  const auto phases = torch::rand({200, 1}, generator) * 6.28;
  const auto waves = torch::sin(torch::arange(30, torch::kFloat).unsqueeze(0) * 0.3 - phases);
  const auto net = input() + lstm(16) + repeat_vector(30) + lstm(16, "tanh", true) + output();
  const Model model =
      train(autoencoder(net), waves,
            TrainOptions().epochs(20).batch_size(32).optimizer("adam").learning_rate(0.01).scale("none").seed(1));
  EXPECT_LT(model.evaluate(waves).at("mse"), 0.02);
}

}  // namespace
}  // namespace hourglass
