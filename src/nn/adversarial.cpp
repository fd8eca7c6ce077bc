#include "nn/adversarial.hpp"

#include <torch/torch.h>

#include <cmath>

#include "hourglass/error.hpp"

namespace hourglass::nn {

Prior Prior::parse(const std::string& text) {
  if (text == "normal") return {Kind::normal, 0};
  if (text == "uniform") return {Kind::uniform, 0};
  const std::string mixture = "mixture:";
  if (text.rfind(mixture, 0) == 0) {
    const std::string count = text.substr(mixture.size());
    const bool digits =
        !count.empty() && count.size() <= 4 && count.find_first_not_of("0123456789") == std::string::npos;
    const int64_t k = digits ? std::stoll(count) : 0;
    if (k >= 2 && k <= 1000) return {Kind::mixture, k};
    throw InvalidArgument("prior '" + text + "': a mixture needs 2 to 1000 components, e.g. mixture:10");
  }
  throw InvalidArgument("unknown prior '" + text + "' (valid: normal, uniform, mixture:K with K components)");
}

torch::Tensor Prior::mixture_means(int64_t units) const {
  auto means = torch::zeros({components, units}, torch::kDouble);
  const auto k = torch::arange(components, torch::kDouble);
  if (units == 1) {
    means.select(1, 0).copy_(-kMixtureRadius + 2 * kMixtureRadius * k / static_cast<double>(components - 1));
  } else {
    const auto angle = 2 * M_PI * k / static_cast<double>(components);
    means.select(1, 0).copy_(kMixtureRadius * torch::cos(angle));
    means.select(1, 1).copy_(kMixtureRadius * torch::sin(angle));
  }
  return means;
}

torch::Tensor Prior::sample(int64_t rows, int64_t units) const {
  switch (kind) {
    case Kind::normal:
      return torch::randn({rows, units});
    case Kind::uniform:
      return torch::rand({rows, units}) * 2 - 1;
    case Kind::mixture: {
      const auto chosen = torch::randint(components, {rows}, torch::kLong);
      const auto means = mixture_means(units).to(torch::kFloat).index_select(0, chosen);
      return means + kMixtureStd * torch::randn({rows, units});
    }
  }
  return {};
}

torch::Tensor Prior::quantile(const torch::Tensor& p, int64_t unit, int64_t units) const {
  const auto q = p.to(torch::kDouble);
  const auto standard_normal = [](const torch::Tensor& x) { return std::sqrt(2.0) * torch::erfinv(2.0 * x - 1.0); };
  if (kind == Kind::normal) return standard_normal(q);
  if (kind == Kind::uniform) return 2.0 * q - 1.0;
  // A mixture's marginal CDF has no closed-form inverse: bisection, to double precision
  // over [-radius - 10 sd, radius + 10 sd].
  const auto means = mixture_means(units).select(1, unit);
  const auto cdf = [&](const torch::Tensor& x) {
    return (0.5 * torch::erfc(-(x.unsqueeze(1) - means) / (kMixtureStd * std::sqrt(2.0)))).mean(1);
  };
  const double reach = kMixtureRadius + 10 * kMixtureStd;
  auto low = torch::full_like(q, -reach), high = torch::full_like(q, reach);
  for (int i = 0; i < 64; ++i) {
    const auto middle = (low + high) / 2;
    const auto below = cdf(middle) < q;
    low = torch::where(below, middle, low);
    high = torch::where(below, high, middle);
  }
  return (low + high) / 2;
}

DiscriminatorImpl::DiscriminatorImpl(int64_t code_units, const std::vector<int64_t>& hidden) {
  torch::nn::Sequential layers;
  int64_t in = code_units;
  for (int64_t units : hidden) {
    layers->push_back(torch::nn::Linear(in, units));
    layers->push_back(torch::nn::ReLU());
    in = units;
  }
  layers->push_back(torch::nn::Linear(in, 1));
  layers_ = register_module("layers", layers);
}

int64_t DiscriminatorImpl::parameter_count(int64_t code_units, const std::vector<int64_t>& hidden) {
  int64_t count = 0, in = code_units;
  for (int64_t units : hidden) {
    count += (in + 1) * units;
    in = units;
  }
  return count + in + 1;
}

Judgement judge(const torch::Tensor& prior_logits, const torch::Tensor& code_logits) {
  // -log sigmoid(a) = softplus(-a) and -log(1 - sigmoid(a)) = softplus(a), without overflow.
  const auto judgements = static_cast<double>(prior_logits.numel() + code_logits.numel());
  const auto loss = (torch::softplus(-prior_logits).sum() + torch::softplus(code_logits).sum()) / judgements;
  const auto right = (prior_logits > 0).sum() + (code_logits < 0).sum();
  return {loss, right.to(torch::kDouble) / judgements};
}

}  // namespace hourglass::nn
