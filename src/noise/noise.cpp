#include "hourglass/noise/noise.hpp"

#include <cmath>
#include <cstdlib>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

struct NoiseKind {
  NoiseType type;
  const char* name;
  const char* parameter;  // as named in messages
  double default_value;
};

constexpr NoiseKind kKinds[] = {
    {NoiseType::zeros, "zeros", "p", 0.05},           {NoiseType::ones, "ones", "p", 0.05},
    {NoiseType::saltpepper, "saltpepper", "p", 0.05}, {NoiseType::gaussian, "gaussian", "sd", 0.1},
    {NoiseType::cauchy, "cauchy", "scale", 0.005},
};

const NoiseKind& kind_of(NoiseType type) { return kKinds[static_cast<size_t>(type)]; }

NoiseFilter make(NoiseType type, double value) {
  const NoiseKind& kind = kind_of(type);
  const bool is_probability = type == NoiseType::zeros || type == NoiseType::ones ||
                              type == NoiseType::saltpepper;
  const bool valid = is_probability ? (value >= 0.0 && value <= 1.0) : (value > 0.0 && std::isfinite(value));
  if (!valid) {
    throw InvalidArgument(std::string("noise ") + kind.name + ": " + kind.parameter + " must be " +
                          (is_probability ? "in [0, 1]" : "a positive number") + ", got " +
                          format_number(value));
  }
  return NoiseFilter{type, value};
}

}  // namespace

std::string NoiseFilter::name() const { return kind_of(type).name; }

std::string NoiseFilter::to_string() const { return name() + ":" + format_number(parameter); }

bool NoiseFilter::operator==(const NoiseFilter& other) const {
  return type == other.type && parameter == other.parameter;
}

NoiseFilter noise_zeros(double p) { return make(NoiseType::zeros, p); }
NoiseFilter noise_ones(double p) { return make(NoiseType::ones, p); }
NoiseFilter noise_saltpepper(double p) { return make(NoiseType::saltpepper, p); }
NoiseFilter noise_gaussian(double sd) { return make(NoiseType::gaussian, sd); }
NoiseFilter noise_cauchy(double scale) { return make(NoiseType::cauchy, scale); }

const std::vector<std::string>& noise_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const auto& kind : kKinds) all.emplace_back(kind.name);
    return all;
  }();
  return names;
}

NoiseFilter noise(const std::string& type, std::optional<double> parameter) {
  for (const auto& kind : kKinds) {
    if (type == kind.name) return make(kind.type, parameter.value_or(kind.default_value));
  }
  throw unknown_name("noise", type, noise_names());
}

NoiseFilter parse_noise(const std::string& spec) {
  const auto colon = spec.find(':');
  if (colon == std::string::npos) return noise(spec);
  const std::string value = spec.substr(colon + 1);
  char* end = nullptr;
  const double parameter = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size()) {
    throw InvalidArgument("noise '" + spec + "': expected TYPE or TYPE:NUMBER, e.g. gaussian:0.1");
  }
  return noise(spec.substr(0, colon), parameter);
}

at::Tensor apply_noise(const NoiseFilter& filter, const at::Tensor& data) {
  if (!data.defined() || !data.is_floating_point()) {
    throw InvalidArgument("apply_noise: expected a floating-point tensor");
  }
  const double p = filter.parameter;
  switch (filter.type) {
    case NoiseType::zeros: return data.masked_fill(torch::rand_like(data) < p, 0.0);
    case NoiseType::ones: return data.masked_fill(torch::rand_like(data) < p, 1.0);
    case NoiseType::saltpepper: {
      const auto u = torch::rand_like(data);
      return data.masked_fill(u < p / 2, 0.0).masked_fill(u >= 1 - p / 2, 1.0);
    }
    case NoiseType::gaussian: return data + torch::randn_like(data) * p;
    case NoiseType::cauchy: return data + torch::empty_like(data).cauchy_(0.0, p);
  }
  return data;
}

}  // namespace hourglass
