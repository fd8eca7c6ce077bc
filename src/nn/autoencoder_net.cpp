#include "nn/autoencoder_net.hpp"

#include "hourglass/data/dataset.hpp"
#include "hourglass/network/layer_kind.hpp"
#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "nn/activation.hpp"

namespace hourglass::nn {

AutoencoderNetImpl::AutoencoderNetImpl(const Network& network, const Shape& data_shape)
    : network_(network), data_shape_(data_shape), input_dim_(shape_size(data_shape)) {
  network.validate();
  const auto shapes = network.output_shapes(data_shape);
  input_shape_ = network.input_shape_for(data_shape);
  const size_t code = network.encoding_index();
  code_index_ = code;
  torch::nn::Sequential encoder, decoder;
  Shape in = input_shape_;
  for (size_t i = 0; i < network.size(); ++i) {
    const Layer& layer = network[i];
    ModuleBuilder builder(i <= code ? encoder : decoder, *this);
    layer.kind().build(builder, layer, in, shapes[i]);
    layer_inputs_.push_back(in);
    layer_outputs_.push_back(shapes[i]);
    layer_modules_.push_back(builder.modules());
    if (builder.kernel().defined()) kernels_.push_back(builder.kernel());
    if (builder.variational())
      variational_ = Variational(std::dynamic_pointer_cast<VariationalImpl>(builder.variational()));
    if (i == code) {
      code_shape_ = shapes[i];
      code_dim_ = shape_size(code_shape_);
      encoding_kernel_ = builder.kernel();
      encoding_layer_ = builder.dense_code();
      encoding_activation_ = &activation_function(layer.activation());
    }
    in = shapes[i];
  }
  const size_t activation_modules = encoding_activation_->is_linear() ? 0 : 1;
  encoder_is_one_dense_layer_ = !is_variational() && network[code].is("dense") && input_shape_.size() == 1 &&
                                encoding_activation_->derivative && encoder->size() == 1 + activation_modules;
  encoder_ = register_module("encoder", encoder);
  decoder_ = register_module("decoder", decoder);
}

torch::Tensor AutoencoderNetImpl::encoder_body(const torch::Tensor& x) {
  // An empty Sequential refuses forward(): a variational layer right after input().
  const auto shaped = as_samples(x, input_shape_);
  return encoder_->is_empty() ? shaped : encoder_->forward(shaped);
}

// Codes and reconstructions leave in fp32 even when autocast computed them in bf16:
// the losses and penalties are always fp32 (a no-op without autocast).
torch::Tensor AutoencoderNetImpl::encode(const torch::Tensor& x) {
  if (is_variational()) return variational_->posterior(encoder_body(x)).mean;
  return encoder_->forward(as_samples(x, input_shape_)).flatten(1).to(torch::kFloat);
}

torch::Tensor AutoencoderNetImpl::decode(const torch::Tensor& code) {
  return decoder_->forward(as_samples(code, code_shape_)).flatten(1).to(torch::kFloat);
}

Posterior AutoencoderNetImpl::posterior(const torch::Tensor& x) {
  TORCH_CHECK(is_variational(), "posterior() of a network without a variational layer");
  return variational_->posterior(encoder_body(x));
}

}  // namespace hourglass::nn

namespace hourglass::nn {

std::string AutoencoderNetImpl::export_layers(OnnxBuilder& onnx, std::string x, size_t first, size_t last) const {
  const auto names = network_.layer_names();
  for (size_t i = first; i < last; ++i) {
    onnx.set_scope(names[i]);
    const Layer& layer = network_[i];
    x = layer.kind().export_onnx(onnx, x, layer, layer_inputs_[i], layer_outputs_[i], layer_modules_[i]);
  }
  onnx.set_scope("");
  return x;
}

// Flat rows in and out, viewed in the layers' shapes in between: as encode() and decode().
std::string AutoencoderNetImpl::export_encoder(OnnxBuilder& onnx, const std::string& x) const {
  const auto shaped = input_shape_.size() > 1 ? onnx.reshape(x, input_shape_) : x;
  const auto code = export_layers(onnx, shaped, 0, code_index_ + 1);
  return code_shape_.size() > 1 ? onnx.node("Flatten", {code}, {{"axis", int64_t{1}}}) : code;
}

std::string AutoencoderNetImpl::export_decoder(OnnxBuilder& onnx, const std::string& code) const {
  const auto shaped = code_shape_.size() > 1 ? onnx.reshape(code, code_shape_) : code;
  const auto y = export_layers(onnx, shaped, code_index_ + 1, network_.size());
  return layer_outputs_.back().size() > 1 ? onnx.node("Flatten", {y}, {{"axis", int64_t{1}}}) : y;
}

}  // namespace hourglass::nn
