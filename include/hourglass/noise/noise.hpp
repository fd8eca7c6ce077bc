// Noise filters: corrupt data for denoising autoencoders (ruta's noise_* family).
//
//   NoiseFilter filter = noise_gaussian(0.1);        // or noise("gaussian", 0.1)
//   at::Tensor noisy = apply_noise(filter, data);    // same shape, fresh noise each call
//   NoiseFilter same = parse_noise("gaussian:0.1");  // the CLI's TYPE:PARAM form
//
// zeros / ones: each cell becomes 0 / 1 with probability p; saltpepper: each cell becomes
// 0 with probability p/2 and 1 with probability p/2; gaussian: adds N(0, sd^2);
// cauchy: adds Cauchy(0, scale). Noise comes from LibTorch's global generator, so
// torch::manual_seed (or TrainOptions::seed) makes it reproducible.
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <vector>

namespace hourglass {

enum class NoiseType { zeros, ones, saltpepper, gaussian, cauchy };

struct NoiseFilter {
  NoiseType type = NoiseType::zeros;
  /// p for zeros, ones and saltpepper; sd for gaussian; scale for cauchy.
  double parameter = 0.05;

  std::string name() const;
  /// "gaussian:0.1", the form parse_noise reads.
  std::string to_string() const;
  bool operator==(const NoiseFilter& other) const;
};

/// Each throws InvalidArgument for a value out of range (p outside [0, 1], sd or scale
/// not positive).
NoiseFilter noise_zeros(double p = 0.05);
NoiseFilter noise_ones(double p = 0.05);
NoiseFilter noise_saltpepper(double p = 0.05);
NoiseFilter noise_gaussian(double sd = 0.1);
NoiseFilter noise_cauchy(double scale = 0.005);

/// By name, with the type's default parameter when none is given.
NoiseFilter noise(const std::string& type, std::optional<double> parameter = std::nullopt);
/// "TYPE" or "TYPE:PARAM", e.g. "saltpepper:0.1".
NoiseFilter parse_noise(const std::string& spec);
const std::vector<std::string>& noise_names();

/// A corrupted copy of `data` (any shape, floating point).
at::Tensor apply_noise(const NoiseFilter& filter, const at::Tensor& data);

}  // namespace hourglass
