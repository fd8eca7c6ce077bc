// Adam and RMSprop with each parameter's update fused into one pass over its values.
//
// LibTorch's step runs about eight tensor operations per parameter (each a pass over
// memory and an OpenMP region); for the small and medium tensors of an autoencoder that
// overhead rivals the arithmetic. These subclasses compute the same formulas, in the
// same order and in fp32, in one loop per parameter, and keep LibTorch's state
// (AdamParamState, RMSpropParamState) so that save() and load() and checkpoints are
// unchanged. Options they do not fuse (amsgrad, weight decay, momentum, centered) and
// tensors other than contiguous fp32 on the CPU take LibTorch's own step.
//
//   FusedAdam optimizer(net->parameters(), torch::optim::AdamOptions(1e-3).eps(1e-7));
#pragma once

#include <torch/optim/adam.h>
#include <torch/optim/rmsprop.h>

#include <vector>

namespace hourglass {

class FusedAdam : public torch::optim::Adam {
 public:
  using torch::optim::Adam::Adam;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

class FusedRMSprop : public torch::optim::RMSprop {
 public:
  using torch::optim::RMSprop::RMSprop;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace hourglass
