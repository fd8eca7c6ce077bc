// What a LayerKind's export_onnx() writes its ONNX nodes to (opset 17): nodes by
// operator name and weights as initializers. Tensors are referred to by name; every node
// returns the name of its output. Batches are first and samples channels first, as in
// the LibTorch modules. (Inside the library, an activation by its Hourglass name is
// nn::onnx_activation(onnx, name, x), src/nn/activation.hpp.)
//
//   std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape&,
//                           const Shape&, const LayerModules& modules) const override {
//     const auto& linear = modules.get<torch::nn::LinearImpl>(layer);
//     const auto y = onnx.node("Gemm", {x, onnx.initializer("weight", linear.weight), onnx.initializer("bias",
//     linear.bias)},
//                              {{"transB", int64_t{1}}});
//     return onnx.node("Tanh", {y});
//   }
//
// The protobuf classes stay inside the library: this header needs neither them nor
// libonnx-dev.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hourglass {

/// An attribute's value: an integer, a float, a string, or a list of one of them.
using OnnxAttribute =
    std::variant<int64_t, double, std::vector<int64_t>, std::vector<double>, std::string, std::vector<std::string>>;
using OnnxAttributes = std::vector<std::pair<std::string, OnnxAttribute>>;

class OnnxBuilder {
 public:
  /// The opset every graph imports from the default domain.
  static constexpr int64_t kOpset = 17;
  /// The element types of graph inputs and outputs.
  enum class ElementType { float32, int64 };

  explicit OnnxBuilder(const std::string& graph_name);
  ~OnnxBuilder();
  OnnxBuilder(const OnnxBuilder&) = delete;
  OnnxBuilder& operator=(const OnnxBuilder&) = delete;

  /// The prefix of the names of the nodes and initializers that follow ("dense_1"), so
  /// that a runtime's messages and a graph viewer name the layer.
  void set_scope(std::string scope);

  /// Appends a node and returns the name of its output.
  std::string node(const std::string& op, const std::vector<std::string>& inputs,
                   const OnnxAttributes& attributes = {});
  /// A node with several outputs; returns their names.
  std::vector<std::string> node(const std::string& op, const std::vector<std::string>& inputs,
                                const OnnxAttributes& attributes, int outputs);
  /// A tensor stored in the file (float32 for floating-point values, int64 for integers);
  /// returns its name. The values are copied.
  std::string initializer(const std::string& name, const at::Tensor& value);
  /// A float32 scalar, and a 1-D int64 tensor (shapes, axes, slice bounds).
  std::string scalar(double value);
  std::string int64s(const std::vector<int64_t>& values);
  /// Views batch x dims... as batch x `sample` (Reshape, the batch kept).
  std::string reshape(const std::string& x, const std::vector<int64_t>& sample);

  /// A graph input of batch x `columns` values (the batch dimension is symbolic, "N").
  void input(const std::string& name, int64_t columns);
  /// A graph output: tensor `x`, batch x `columns` (or batch alone for columns 0).
  void output(const std::string& name, const std::string& x, int64_t columns, ElementType type = ElementType::float32,
              const std::string& doc = "");
  /// A metadata_props entry.
  void metadata(const std::string& key, const std::string& value);
  void documentation(const std::string& text);

  /// The model, checked with onnx::checker (a failure is a bug: std::logic_error), as
  /// the bytes of an .onnx file.
  std::string serialize() const;

 private:
  std::string unique(const std::string& name);
  struct Graph;
  std::unique_ptr<Graph> graph_;
};

}  // namespace hourglass
