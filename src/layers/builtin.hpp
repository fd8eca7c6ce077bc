// The layer kinds Hourglass ships, each defined in its own file here. Adding one is its
// file and a line in builtin.cpp, whose register_builtin_layer_kinds() (declared in
// network/builtin_kinds.hpp) hands them to the network folder's registry.
#pragma once

#include "hourglass/network/layer_kind.hpp"
#include "network/builtin_kinds.hpp"  // LayerKindPtr, register_builtin_layer_kinds, defined in builtin.cpp

namespace hourglass {

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

}  // namespace hourglass
