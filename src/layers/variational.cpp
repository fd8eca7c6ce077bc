// variational(units, epsilon_std, covariance): a Gaussian code, the middle of a
// variational autoencoder.
#include "nn/variational.hpp"

#include "hourglass/nn/module_builder.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "layers/builtin.hpp"
#include "layers/dense.hpp"

namespace hourglass {
namespace {

class VariationalKind : public LayerKind {
 public:
  VariationalKind()
      : LayerKind("variational",
                  "a Gaussian code: dense z_mean and z_log_var, z = z_mean + exp(z_log_var / 2) * epsilon",
                  {Parameter::integer("units", "size of the latent space").at_least(1),
                   Parameter::number("epsilon_std", "standard deviation of epsilon").above(0).otherwise(1.0),
                   Parameter::name("covariance",
                                   "diagonal (z_log_var per unit), or full (a lower-triangular scale, as "
                                   "TensorFlow Probability's MultivariateNormalTriL)")
                       .one_of({"diagonal", "full"})
                       .otherwise(std::string("diagonal"))}) {}
  LayerRole role() const override { return LayerRole::code; }
  bool must_be_code() const override { return true; }
  std::string summary_type(const Layer&) const override { return "Variational"; }

  Shape output_shape(const Layer& layer, const Shape& in, const ShapeCheck& check) const override {
    if (in.size() != 1) check.fail("takes one dimension; add flatten() before it");
    return {layer.integer("units")};
  }
  // z_mean and z_log_var, or one head for the mean and the scale's lower triangle.
  ParameterCount parameter_count(const Layer& layer, const Shape& in, const Shape& out) const override {
    if (full(layer)) return {dense_parameters(in[0], nn::VariationalImpl::full_parameters(out[0]))};
    return {2 * dense_parameters(in[0], out[0])};
  }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape& in, const Shape&) const override {
    builder.variational_code(in[0], layer.integer("units"), layer.number("epsilon_std"), full(layer));
  }
  // Outside training the code is the posterior mean (Model::encode): the mean head, or
  // the first `units` outputs of a full covariance's one head.
  std::string export_onnx(OnnxBuilder& onnx, const std::string& x, const Layer& layer, const Shape&, const Shape&,
                          const LayerModules& modules) const override {
    const auto& variational = modules.get<nn::VariationalImpl>(layer);
    if (!full(layer)) return export_dense(onnx, x, *variational.mean_layer(), "linear");
    const int64_t units = layer.integer("units");
    const auto& params = *variational.params_layer();
    torch::nn::Linear mean(torch::nn::LinearOptions(params.weight.size(1), units));
    torch::NoGradGuard no_grad;
    mean->weight.copy_(params.weight.narrow(0, 0, units));
    mean->bias.copy_(params.bias.narrow(0, 0, units));
    return export_dense(onnx, x, *mean, "linear");
  }

 private:
  static bool full(const Layer& layer) { return layer.text("covariance") == "full"; }
};

}  // namespace

LayerKindPtr variational_kind() { return std::make_shared<VariationalKind>(); }

}  // namespace hourglass
