// The ONNX graph through libonnx's protobuf classes; checked with onnx::checker and
// ONNX's own shape inference before a byte is written.
#include "hourglass/onnx/onnx_builder.hpp"

#include <ATen/ATen.h>  // at::scalar_tensor, at::tensor
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <map>
#include <stdexcept>

#include "hourglass/runtime.hpp"

namespace hourglass {

struct OnnxBuilder::Graph {
  onnx::ModelProto model;
  onnx::GraphProto* graph = nullptr;
  std::string scope;
  std::map<std::string, int> uses;  // how often each name was asked for, to keep names unique
};

OnnxBuilder::OnnxBuilder(const std::string& graph_name) : graph_(std::make_unique<Graph>()) {
  auto& model = graph_->model;
  model.set_ir_version(onnx::IR_VERSION);
  model.set_producer_name("hourglass");
  model.set_producer_version(version());
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  graph_->graph = model.mutable_graph();
  graph_->graph->set_name(graph_name);
}

OnnxBuilder::~OnnxBuilder() = default;

void OnnxBuilder::set_scope(std::string scope) { graph_->scope = std::move(scope); }

std::string OnnxBuilder::unique(const std::string& name) {
  const std::string scoped = graph_->scope.empty() ? name : graph_->scope + "/" + name;
  const int n = ++graph_->uses[scoped];
  return n == 1 ? scoped : scoped + "_" + std::to_string(n);
}

namespace {

void set_attribute(onnx::AttributeProto& a, const OnnxAttribute& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(*i);
  } else if (const auto* f = std::get_if<double>(&value)) {
    a.set_type(onnx::AttributeProto::FLOAT);
    a.set_f(static_cast<float>(*f));
  } else if (const auto* is = std::get_if<std::vector<int64_t>>(&value)) {
    a.set_type(onnx::AttributeProto::INTS);
    for (int64_t v : *is) a.add_ints(v);
  } else if (const auto* fs = std::get_if<std::vector<double>>(&value)) {
    a.set_type(onnx::AttributeProto::FLOATS);
    for (double v : *fs) a.add_floats(static_cast<float>(v));
  } else if (const auto* ss = std::get_if<std::vector<std::string>>(&value)) {
    a.set_type(onnx::AttributeProto::STRINGS);
    for (const auto& v : *ss) a.add_strings(v);
  } else {
    a.set_type(onnx::AttributeProto::STRING);
    a.set_s(std::get<std::string>(value));
  }
}

onnx::TensorProto_DataType element_type(OnnxBuilder::ElementType type) {
  return type == OnnxBuilder::ElementType::int64 ? onnx::TensorProto::INT64 : onnx::TensorProto::FLOAT;
}

// batch x columns (batch alone for no columns), the batch symbolic.
void set_type(onnx::ValueInfoProto& value, OnnxBuilder::ElementType type, int64_t columns) {
  auto* tensor = value.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(element_type(type));
  auto* shape = tensor->mutable_shape();
  shape->add_dim()->set_dim_param("N");
  if (columns > 0) shape->add_dim()->set_dim_value(columns);
}

}  // namespace

std::string OnnxBuilder::node(const std::string& op, const std::vector<std::string>& inputs,
                              const OnnxAttributes& attributes) {
  return node(op, inputs, attributes, 1).front();
}

std::vector<std::string> OnnxBuilder::node(const std::string& op, const std::vector<std::string>& inputs,
                                           const OnnxAttributes& attributes, int outputs) {
  auto* n = graph_->graph->add_node();
  n->set_op_type(op);
  n->set_name(unique(op));
  for (const auto& input : inputs) n->add_input(input);
  std::vector<std::string> names;
  for (int i = 0; i < outputs; ++i) {
    names.push_back(outputs == 1 ? n->name() : n->name() + ":" + std::to_string(i));
    n->add_output(names.back());
  }
  for (const auto& [name, value] : attributes) {
    auto* a = n->add_attribute();
    a->set_name(name);
    set_attribute(*a, value);
  }
  return names;
}

std::string OnnxBuilder::initializer(const std::string& name, const at::Tensor& value) {
  auto* tensor = graph_->graph->add_initializer();
  tensor->set_name(unique(name));
  for (int64_t side : value.sizes()) tensor->add_dims(side);
  if (value.is_floating_point()) {
    tensor->set_data_type(onnx::TensorProto::FLOAT);
    const auto values = value.detach().to(at::kCPU, at::kFloat).contiguous();
    tensor->set_raw_data(values.data_ptr(), values.numel() * sizeof(float));
  } else {
    tensor->set_data_type(onnx::TensorProto::INT64);
    const auto values = value.detach().to(at::kCPU, at::kLong).contiguous();
    tensor->set_raw_data(values.data_ptr(), values.numel() * sizeof(int64_t));
  }
  return tensor->name();
}

std::string OnnxBuilder::scalar(double value) { return initializer("constant", at::scalar_tensor(value, at::kFloat)); }

std::string OnnxBuilder::int64s(const std::vector<int64_t>& values) {
  return initializer("constant", at::tensor(values, at::kLong));
}

std::string OnnxBuilder::reshape(const std::string& x, const std::vector<int64_t>& sample) {
  std::vector<int64_t> shape{0};  // 0: the input's own batch size
  shape.insert(shape.end(), sample.begin(), sample.end());
  return node("Reshape", {x, int64s(shape)});
}

void OnnxBuilder::input(const std::string& name, int64_t columns) {
  auto* value = graph_->graph->add_input();
  value->set_name(name);
  set_type(*value, ElementType::float32, columns);
}

void OnnxBuilder::output(const std::string& name, const std::string& x, int64_t columns, ElementType type,
                         const std::string& doc) {
  const std::string scope = graph_->scope;
  graph_->scope.clear();
  auto* n = graph_->graph->add_node();
  n->set_op_type("Identity");
  n->set_name(unique(name + "/Identity"));
  n->add_input(x);
  n->add_output(name);
  graph_->scope = scope;
  auto* value = graph_->graph->add_output();
  value->set_name(name);
  if (!doc.empty()) value->set_doc_string(doc);
  set_type(*value, type, columns);
}

void OnnxBuilder::metadata(const std::string& key, const std::string& value) {
  auto* entry = graph_->model.add_metadata_props();
  entry->set_key(key);
  entry->set_value(value);
}

void OnnxBuilder::documentation(const std::string& text) { graph_->model.set_doc_string(text); }

std::string OnnxBuilder::serialize() const {
  try {
    onnx::checker::check_model(graph_->model);
    // Types and shapes through every node, and against the declared outputs.
    onnx::ModelProto inferred = graph_->model;
    onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict=*/1));
  } catch (const std::exception& e) {
    throw std::logic_error(std::string("the ONNX graph Hourglass wrote fails ONNX's checks: ") + e.what());
  }
  std::string bytes;
  if (!graph_->model.SerializeToString(&bytes)) throw std::logic_error("could not serialize the ONNX model");
  return bytes;
}

}  // namespace hourglass
