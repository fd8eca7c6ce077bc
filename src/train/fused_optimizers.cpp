#include "train/fused_optimizers.hpp"

#include <ATen/Parallel.h>

#include <cmath>
#include <memory>
#include <string>

namespace hourglass {
namespace {

// Values per parallel task: small tensors (biases) run on the calling thread.
constexpr int64_t kGrain = 32768;

// The loops are compiled for AVX-512, AVX2 and plain x86-64, picked at load time, and
// with -fno-math-errno (CMakeLists.txt) so that sqrt vectorises: a scalar loop is slower
// than LibTorch's eight vectorised passes.
#if defined(__x86_64__) && !defined(__clang__)
#define HOURGLASS_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define HOURGLASS_VECTOR_CLONES
#endif

// LibTorch's Adam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
HOURGLASS_VECTOR_CLONES
void adam_update(float* __restrict value, const float* __restrict grad, float* __restrict m, float* __restrict v,
                 int64_t n, float b1, float b2, float step_size, float root_correction2, float eps) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = grad[i];
    m[i] = m[i] * b1 + (1 - b1) * g;
    v[i] = v[i] * b2 + (1 - b2) * g * g;
    value[i] -= step_size * (m[i] / (std::sqrt(v[i]) / root_correction2 + eps));
  }
}

// LibTorch's RMSprop: s = a s + (1 - a) g^2; p -= lr * g / (sqrt(s) + eps).
HOURGLASS_VECTOR_CLONES
void rmsprop_update(float* __restrict value, const float* __restrict grad, float* __restrict s, int64_t n, float alpha,
                    float lr, float eps) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = grad[i];
    s[i] = s[i] * alpha + (1 - alpha) * g * g;
    value[i] -= lr * (g / (std::sqrt(s[i]) + eps));
  }
}

bool fusable(const std::vector<torch::optim::OptimizerParamGroup>& groups) {
  for (const auto& group : groups) {
    for (const auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      if (!p.device().is_cpu() || p.scalar_type() != torch::kFloat || !p.is_contiguous() || !p.grad().is_contiguous() ||
          p.grad().scalar_type() != torch::kFloat || p.grad().is_sparse()) {
        return false;
      }
    }
  }
  return true;
}

// The parameter's state, created (zeros, as LibTorch does) at its first step.
template <typename State>
State& state_of(const torch::Tensor& p,
                ska::flat_hash_map<std::string, std::unique_ptr<torch::optim::OptimizerParamState>>& states,
                void (*initialise)(State&, const torch::Tensor&)) {
  const auto key = c10::guts::to_string(p.unsafeGetTensorImpl());
  auto found = states.find(key);
  if (found == states.end()) {
    auto state = std::make_unique<State>();
    initialise(*state, p);
    found = states.emplace(key, std::move(state)).first;
  }
  return static_cast<State&>(*found->second);
}

template <typename Step>
torch::Tensor run_step(torch::optim::Optimizer::LossClosure& closure, Step&& each_group) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  each_group();
  return loss;
}

}  // namespace

torch::Tensor FusedAdam::step(LossClosure closure) {
  for (const auto& group : param_groups_) {
    const auto& o = static_cast<const torch::optim::AdamOptions&>(group.options());
    if (o.amsgrad() || o.weight_decay() != 0) return Adam::step(std::move(closure));
  }
  if (!fusable(param_groups_)) return Adam::step(std::move(closure));
  return run_step(closure, [this] {
    for (auto& group : param_groups_) {
      const auto& o = static_cast<const torch::optim::AdamOptions&>(group.options());
      const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
      for (auto& p : group.params()) {
        if (!p.grad().defined()) continue;
        auto& state = state_of<torch::optim::AdamParamState>(
            p, state_, [](torch::optim::AdamParamState& s, const torch::Tensor& like) {
              s.exp_avg(torch::zeros_like(like, at::MemoryFormat::Preserve));
              s.exp_avg_sq(torch::zeros_like(like, at::MemoryFormat::Preserve));
            });
        state.step(state.step() + 1);
        const auto b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
        const auto step_size = static_cast<float>(o.lr() / (1 - std::pow(beta1, state.step())));
        const auto root_correction2 = static_cast<float>(std::sqrt(1 - std::pow(beta2, state.step())));
        const auto eps = static_cast<float>(o.eps());
        float* value = p.data_ptr<float>();
        const float* grad = p.grad().data_ptr<float>();
        float* m = state.exp_avg().data_ptr<float>();
        float* v = state.exp_avg_sq().data_ptr<float>();
        at::parallel_for(0, p.numel(), kGrain, [&](int64_t begin, int64_t end) {
          adam_update(value + begin, grad + begin, m + begin, v + begin, end - begin, b1, b2, step_size,
                      root_correction2, eps);
        });
      }
    }
  });
}

torch::Tensor FusedRMSprop::step(LossClosure closure) {
  for (const auto& group : param_groups_) {
    const auto& o = static_cast<const torch::optim::RMSpropOptions&>(group.options());
    if (o.momentum() != 0 || o.centered() || o.weight_decay() != 0) return RMSprop::step(std::move(closure));
  }
  if (!fusable(param_groups_)) return RMSprop::step(std::move(closure));
  return run_step(closure, [this] {
    for (auto& group : param_groups_) {
      const auto& o = static_cast<const torch::optim::RMSpropOptions&>(group.options());
      for (auto& p : group.params()) {
        if (!p.grad().defined()) continue;
        auto& state = state_of<torch::optim::RMSpropParamState>(
            p, state_, [](torch::optim::RMSpropParamState& s, const torch::Tensor& like) {
              s.square_avg(torch::zeros_like(like, at::MemoryFormat::Preserve));
            });
        state.step(state.step() + 1);
        const auto alpha = static_cast<float>(o.alpha()), lr = static_cast<float>(o.lr());
        const auto eps = static_cast<float>(o.eps());
        float* value = p.data_ptr<float>();
        const float* grad = p.grad().data_ptr<float>();
        float* s = state.square_avg().data_ptr<float>();
        at::parallel_for(0, p.numel(), kGrain, [&](int64_t begin, int64_t end) {
          rmsprop_update(value + begin, grad + begin, s + begin, end - begin, alpha, lr, eps);
        });
      }
    }
  });
}

}  // namespace hourglass
