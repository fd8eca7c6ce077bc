// The loop every hand-written optimizer step shares (Adamax, Adadelta): the closure run
// with gradients on, then an update per parameter that has a gradient, with its state
// made on first use.
//
//   torch::Tensor Adadelta::step(LossClosure closure) {
//     return step_each_parameter<AdadeltaParamState, AdadeltaOptions>(*this, closure, update);
//   }
#pragma once

#include <c10/core/GradMode.h>
#include <torch/optim/optimizer.h>

#include <memory>

namespace hourglass {

/// Calls update(parameter, gradient, options, state) for every parameter with a gradient,
/// without recording gradients; `state` starts default-constructed (its tensors undefined).
template <typename State, typename Options, typename Update>
torch::Tensor step_each_parameter(torch::optim::Optimizer& optimizer,
                                  const torch::optim::Optimizer::LossClosure& closure, const Update& update) {
  c10::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : optimizer.param_groups()) {
    const auto& options = static_cast<const Options&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& slot = optimizer.state()[c10::guts::to_string(p.unsafeGetTensorImpl())];
      if (!slot) slot = std::make_unique<State>();
      update(p, p.grad(), options, static_cast<State&>(*slot));
    }
  }
  return loss;
}

}  // namespace hourglass
