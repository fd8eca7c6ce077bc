#include "hourglass/noise/noise.hpp"

#include <cmath>
#include <cstdlib>

#include "hourglass/error.hpp"
#include "hourglass/registry.hpp"

namespace hourglass {
namespace {

struct NoiseKind {
  NoiseType type;
  const char* name;
  const char* parameter;  // as named in messages
  double default_value;
};

const Registry<NoiseKind>& kinds() {
  static const Registry<NoiseKind> registry = [] {
    Registry<NoiseKind> r("noise");
    for (const NoiseKind& kind :
         {NoiseKind{NoiseType::zeros, "zeros", "p", 0.05}, NoiseKind{NoiseType::ones, "ones", "p", 0.05},
          NoiseKind{NoiseType::saltpepper, "saltpepper", "p", 0.05},
          NoiseKind{NoiseType::gaussian, "gaussian", "sd", 0.1},
          NoiseKind{NoiseType::cauchy, "cauchy", "scale", 0.005}}) {
      r.add(kind.name, kind);
    }
    return r;
  }();
  return registry;
}

// The registry holds the kinds in NoiseType's order.
const NoiseKind& kind_of(NoiseType type) { return *kinds().entries()[static_cast<size_t>(type)].second; }

NoiseFilter make(NoiseType type, double value) {
  const NoiseKind& kind = kind_of(type);
  const bool is_probability = type == NoiseType::zeros || type == NoiseType::ones || type == NoiseType::saltpepper;
  const bool valid = is_probability ? (value >= 0.0 && value <= 1.0) : (value > 0.0 && std::isfinite(value));
  if (!valid) {
    throw InvalidArgument(std::string("noise ") + kind.name + ": " + kind.parameter + " must be " +
                          (is_probability ? "in [0, 1]" : "a positive number") + ", got " + format_number(value));
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
  static const std::vector<std::string> names = kinds().names();
  return names;
}

NoiseFilter noise(const std::string& type, std::optional<double> parameter) {
  const NoiseKind& kind = kinds().at(type);
  return make(kind.type, parameter.value_or(kind.default_value));
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
    case NoiseType::zeros:
      return data.masked_fill(torch::rand_like(data) < p, 0.0);
    case NoiseType::ones:
      return data.masked_fill(torch::rand_like(data) < p, 1.0);
    case NoiseType::saltpepper: {
      const auto u = torch::rand_like(data);
      return data.masked_fill(u < p / 2, 0.0).masked_fill(u >= 1 - p / 2, 1.0);
    }
    case NoiseType::gaussian:
      return data + torch::randn_like(data) * p;
    case NoiseType::cauchy:
      return data + torch::empty_like(data).cauchy_(0.0, p);
  }
  return data;
}

}  // namespace hourglass
