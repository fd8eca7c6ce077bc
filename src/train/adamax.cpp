#include "hourglass/train/adamax.hpp"

#include <torch/optim/serialize.h>

#include "train/parameter_steps.hpp"

namespace hourglass {

void AdamaxOptions::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(lr);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(beta1);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(beta2);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(eps);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(weight_decay);
}

void AdamaxOptions::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, lr);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, beta1);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, beta2);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, eps);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, weight_decay);
}

void AdamaxParamState::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(step);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_avg);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_inf);
}

void AdamaxParamState::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(int64_t, step);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_avg);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_inf);
}

Adamax::Adamax(std::vector<torch::Tensor> params, AdamaxOptions defaults)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(std::move(params))},
                              std::make_unique<AdamaxOptions>(defaults)) {
  TORCH_CHECK(defaults.lr() >= 0, "Invalid learning rate: ", defaults.lr());
  TORCH_CHECK(defaults.beta1() >= 0 && defaults.beta1() < 1, "Invalid beta1: ", defaults.beta1());
  TORCH_CHECK(defaults.beta2() >= 0 && defaults.beta2() < 1, "Invalid beta2: ", defaults.beta2());
}

torch::Tensor Adamax::step(LossClosure closure) {
  return step_each_parameter<AdamaxParamState, AdamaxOptions>(
      *this, closure, [](torch::Tensor& p, torch::Tensor grad, const AdamaxOptions& options, AdamaxParamState& state) {
        if (options.weight_decay() != 0) grad = grad.add(p, options.weight_decay());
        if (!state.exp_avg().defined()) {
          state.exp_avg(torch::zeros_like(p, at::MemoryFormat::Preserve));
          state.exp_inf(torch::zeros_like(p, at::MemoryFormat::Preserve));
        }
        state.step(state.step() + 1);
        state.exp_avg().mul_(options.beta1()).add_(grad, 1 - options.beta1());
        torch::max_out(state.exp_inf(), state.exp_inf().mul_(options.beta2()), grad.abs());
        const double bias_correction = 1 - std::pow(options.beta1(), state.step());
        p.addcdiv_(state.exp_avg(), state.exp_inf() + options.eps(), -options.lr() / bias_correction);
      });
}

void Adamax::save(torch::serialize::OutputArchive& archive) const {
  torch::optim::serialize<AdamaxParamState, AdamaxOptions>(archive, *this);
}

void Adamax::load(torch::serialize::InputArchive& archive) {
  torch::optim::serialize<AdamaxParamState, AdamaxOptions>(archive, *this);
}

}  // namespace hourglass
