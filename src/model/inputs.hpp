// What the Model's methods share (internal): input checks and chunked inference.
#pragma once

#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/network/network.hpp"

namespace hourglass {

// Rows pushed through the network at once in inference: bounds memory on big data, and
// keeps each chunk's tensors small enough to be reused from malloc's heap. At 8,192 rows
// of 784 values they were 25 MB each, went back to the system between chunks, and
// `Model::score` spent 11% of its time in page faults: 2,048 rows scored twice as fast on
// one thread (bench/README.md, "Inference against ONNX Runtime").
constexpr int64_t kInferenceChunk = 2048;

// Rows x values, float, with no Inf; `expected` is one sample's shape. Data may have
// missing cells (NaN: the model's coding fills them), codes may not.
inline at::Tensor checked_input(const at::Tensor& data, const Shape& expected, const char* what,
                                bool missing_allowed = true) {
  const int64_t values = shape_size(expected);
  const std::string wanted =
      "rows x " + std::to_string(values) + (expected.size() > 1 ? " or rows x " + shape_to_string(expected) : "");
  if (!data.defined() || data.dim() < 2) {
    throw InvalidArgument(std::string(what) + ": expected a tensor of " + wanted + ", got " +
                          (data.defined() ? std::to_string(data.dim()) + "-D data" : "no data"));
  }
  const Shape given = data.sizes().slice(1).vec();
  if (given.size() == 1 && expected.size() == 1 && given != expected) {
    throw InvalidArgument(std::string(what) + ": the model expects " + std::to_string(values) +
                          " columns but the data has " + std::to_string(given[0]) +
                          "; use data with the same columns as the training data");
  }
  if (!(given == expected || (given.size() == 1 && given[0] == values))) {
    throw InvalidArgument(std::string(what) + ": the model was trained on samples of shape " +
                          shape_to_string(expected) + " but the data has samples of shape " + shape_to_string(given) +
                          "; use data shaped like the training data (" + wanted + ")");
  }
  auto flat = data.to(torch::kFloat).reshape({data.size(0), values}).contiguous();
  if (missing_allowed) {
    check_no_infinity(flat, what);
  } else {
    check_finite(flat, what);
  }
  return flat;
}

template <typename Fn>
inline at::Tensor in_chunks(const at::Tensor& input, Fn&& fn) {
  torch::NoGradGuard no_grad;
  if (input.size(0) <= kInferenceChunk) return fn(input);
  std::vector<at::Tensor> parts;
  for (int64_t start = 0; start < input.size(0); start += kInferenceChunk) {
    parts.push_back(fn(input.narrow(0, start, std::min(kInferenceChunk, input.size(0) - start))));
  }
  return torch::cat(parts);
}

}  // namespace hourglass
