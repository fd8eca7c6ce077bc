#include "train/adadelta.hpp"

#include "train/parameter_steps.hpp"

namespace hourglass {

Adadelta::Adadelta(std::vector<torch::Tensor> params, AdadeltaOptions defaults)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(std::move(params))},
                              std::make_unique<AdadeltaOptions>(defaults)) {
  TORCH_CHECK(defaults.lr() >= 0, "Invalid learning rate: ", defaults.lr());
  TORCH_CHECK(defaults.rho() >= 0 && defaults.rho() <= 1, "Invalid rho: ", defaults.rho());
}

torch::Tensor Adadelta::step(LossClosure closure) {
  return step_each_parameter<AdadeltaParamState, AdadeltaOptions>(
      *this, closure,
      [](torch::Tensor& p, const torch::Tensor& grad, const AdadeltaOptions& options, AdadeltaParamState& state) {
        const double rho = options.rho(), eps = options.eps();
        if (!state.square_avg().defined()) {
          state.square_avg(torch::zeros_like(p, at::MemoryFormat::Preserve));
          state.acc_delta(torch::zeros_like(p, at::MemoryFormat::Preserve));
        }
        state.step(state.step() + 1);
        state.square_avg().mul_(rho).addcmul_(grad, grad, 1 - rho);
        const auto delta = state.acc_delta().add(eps).sqrt_().div_(state.square_avg().add(eps).sqrt_()).mul_(grad);
        state.acc_delta().mul_(rho).addcmul_(delta, delta, 1 - rho);
        p.add_(delta, -options.lr());
      });
}

}  // namespace hourglass
