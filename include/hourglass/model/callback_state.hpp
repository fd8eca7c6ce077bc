// What a training callback keeps in a checkpoint (Callback::state() and restore(), see
// hourglass/train/callbacks.hpp). Model files hold it with the rest of the training
// state, so it lives beside the model, which the training folder builds on.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hourglass {

/// What a callback keeps in a checkpoint: numbers, texts and tensors by name.
struct CallbackState {
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> texts;
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  bool empty() const { return numbers.empty() && texts.empty() && tensors.empty(); }
  /// The number stored under `key`, or `fallback`.
  double number(const std::string& key, double fallback = 0.0) const {
    const auto found = numbers.find(key);
    return found == numbers.end() ? fallback : found->second;
  }
};

}  // namespace hourglass
