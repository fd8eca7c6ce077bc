// The layer kinds Hourglass ships, each defined in its own file here. Adding one is its
// file and a line in builtin.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hourglass/network/layer_kind.hpp"

namespace hourglass {

using LayerKindPtr = std::shared_ptr<const LayerKind>;

LayerKindPtr input_kind();
LayerKindPtr dense_kind();
LayerKindPtr output_kind();
LayerKindPtr dropout_kind();
LayerKindPtr batch_norm_kind();
LayerKindPtr variational_kind();
LayerKindPtr conv_kind();
LayerKindPtr conv_transpose_kind();
LayerKindPtr flatten_kind();
LayerKindPtr reshape_kind();
LayerKindPtr activation_kind();
LayerKindPtr leaky_relu_kind();
LayerKindPtr lstm_kind();
LayerKindPtr gru_kind();
LayerKindPtr repeat_vector_kind();

/// Calls `add` with each built-in kind and its aliases, in the order `hourglass layers`
/// lists them.
void register_builtin_layer_kinds(const std::function<void(LayerKindPtr, const std::vector<std::string>&)>& add);

}  // namespace hourglass
