// lstm() and gru(): recurrent layers on sequences, channels first as the conv layers
// take them (C x L; a 1-D sample is one channel over its length). They give the last
// step's output (units), or with return_sequences every step's (units x L).
#include "nn/recurrent.hpp"

#include "hourglass/error.hpp"
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"

namespace hourglass {
namespace {

using nn::RecurrentCell;

// The activations ONNX's LSTM and GRU take, by Hourglass name.
std::string onnx_recurrent_activation(const Layer& layer) {
  static const std::vector<std::pair<std::string, std::string>> names = {{"tanh", "Tanh"},
                                                                         {"sigmoid", "Sigmoid"},
                                                                         {"relu", "Relu"},
                                                                         {"softsign", "Softsign"},
                                                                         {"softplus", "Softplus"},
                                                                         {"elu", "Elu"},
                                                                         {"hard_sigmoid", "HardSigmoid"}};
  for (const auto& [ours, theirs] : names) {
    if (layer.activation() == ours) return theirs;
  }
  std::vector<std::string> valid;
  for (const auto& name : names) valid.push_back(name.first);
  throw InvalidArgument(layer.to_string() + " cannot be exported: ONNX's " + layer.kind_name() +
                        " takes the activations " + join(valid) + ", not " + layer.activation());
}

// LibTorch's gate blocks reordered into ONNX's (rows of gates x units).
at::Tensor reorder_gates(const at::Tensor& blocks, const std::vector<int64_t>& order) {
  const auto chunks = blocks.chunk(static_cast<int64_t>(order.size()), 0);
  std::vector<at::Tensor> reordered;
  for (int64_t i : order) reordered.push_back(chunks[static_cast<size_t>(i)]);
  return at::cat(reordered, 0).unsqueeze(0);  // one direction first
}

class RecurrentKind : public LayerKind {
 public:
  RecurrentKind(std::string name, std::string help, RecurrentCell cell)
      : LayerKind(
            std::move(name), std::move(help),
            {Parameter::integer("units", "output width per step").at_least(1),
             Parameter::name("activation", "activation of the cell (the gates stay sigmoid)")
                 .activation()
                 .otherwise(std::string("tanh")),
             Parameter::flag("return_sequences", "every step's output (units x L), not only the last").otherwise(false),
             Parameter::flag("use_bias", "add the bias vectors").otherwise(true)}),
        cell_(cell) {}

  LayerRole role() const override { return LayerRole::code; }
  bool reads_shaped_samples() const override { return true; }
  bool yields_time_steps(const Layer& layer) const override { return layer.flag("return_sequences"); }
  std::vector<std::string> printed_positionally() const override { return {"units"}; }
  std::string summary_type(const Layer& layer) const override {
    return std::string(cell_ == RecurrentCell::lstm ? "LSTM" : "GRU") + ", " + layer.activation();
  }

  Shape output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check) const override {
    if (in.size() > 2) {
      check.fail("takes sequences of shape CxL (channels first) or L; flatten() or reshape() the samples first");
    }
    const int64_t units = layer.integer("units");
    if (!layer.flag("return_sequences")) return {units};
    return {units, in.back()};
  }
  ParameterCount parameter_count(const Layer& layer, const Shape& in, const Shape&) const override {
    const int64_t units = layer.integer("units"), channels = in.size() == 2 ? in[0] : 1;
    const int64_t gates = cell_ == RecurrentCell::lstm ? 4 : 3;
    int64_t weights = checked_product(gates, checked_product(units, channels + units));
    if (layer.flag("use_bias")) weights += 2 * gates * units;  // LibTorch's input and hidden biases
    return {weights};
  }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape& in, const Shape&) const override {
    nn::Recurrent recurrent(cell_, in.size() == 2 ? in[0] : 1, layer.integer("units"),
                            nn::activation_function(layer.activation()), layer.flag("return_sequences"),
                            layer.flag("use_bias"));
    builder.kernel(recurrent->weight_ih());
    builder.add(recurrent);
  }

  // ONNX's LSTM and GRU run time first (layout 0): X is L x N x C, Y is L x 1 x N x units.
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape& in, const Shape&,
                          const LayerModules& modules) const override {
    const auto& recurrent = modules.get<nn::RecurrentImpl>(layer);
    const std::string activation = onnx_recurrent_activation(layer);
    const auto shaped = in.size() == 1 ? onnx.reshape(x, {1, in[0]}) : x;
    const auto steps = onnx.node("Transpose", {shaped}, {{"perm", std::vector<int64_t>{2, 0, 1}}});
    // LibTorch's gates are i, f, g, o (LSTM) and r, z, n (GRU); ONNX's i, o, f, c and z, r, h.
    const std::vector<int64_t> order =
        cell_ == RecurrentCell::lstm ? std::vector<int64_t>{0, 3, 1, 2} : std::vector<int64_t>{1, 0, 2};
    std::vector<std::string> inputs{steps, onnx.initializer("W", reorder_gates(recurrent.weight_ih(), order)),
                                    onnx.initializer("R", reorder_gates(recurrent.weight_hh(), order))};
    if (recurrent.bias_ih().defined()) {
      const auto biases = at::cat({reorder_gates(recurrent.bias_ih().unsqueeze(1), order).flatten(),
                                   reorder_gates(recurrent.bias_hh().unsqueeze(1), order).flatten()});
      inputs.push_back(onnx.initializer("B", biases.unsqueeze(0)));
    }
    OnnxAttributes attributes{{"hidden_size", layer.integer("units")}};
    if (cell_ == RecurrentCell::lstm) {
      attributes.emplace_back("activations", std::vector<std::string>{"Sigmoid", activation, activation});
    } else {
      attributes.emplace_back("activations", std::vector<std::string>{"Sigmoid", activation});
      attributes.emplace_back("linear_before_reset", int64_t{1});  // LibTorch's (and Keras's reset_after) GRU
    }
    const auto outputs = onnx.node(cell_ == RecurrentCell::lstm ? "LSTM" : "GRU", inputs, attributes, 2);
    if (!layer.flag("return_sequences")) {
      return onnx.node("Squeeze", {outputs[1], onnx.int64s({0})});  // Y_h: 1 x N x units
    }
    const auto sequence = onnx.node("Squeeze", {outputs[0], onnx.int64s({1})});
    return onnx.node("Transpose", {sequence}, {{"perm", std::vector<int64_t>{1, 2, 0}}});
  }

 private:
  RecurrentCell cell_;
};

}  // namespace

LayerKindPtr lstm_kind() {
  return std::make_shared<RecurrentKind>(
      "lstm", "long short-term memory layer on CxL sequences: the last step's output, or every step's",
      RecurrentCell::lstm);
}

LayerKindPtr gru_kind() {
  return std::make_shared<RecurrentKind>(
      "gru", "gated recurrent unit layer on CxL sequences: the last step's output, or every step's",
      RecurrentCell::gru);
}

}  // namespace hourglass
