// Shape inference: what each layer makes of the shape it receives. The network is
// built, summarised and checked against the data from Network::output_shapes alone.
#pragma once

#include "hourglass/network/layer_kind.hpp"

namespace hourglass {

/// Trainable and frozen values of `layer` between the shapes it receives and gives.
inline ParameterCount layer_parameters(const Layer& layer, const Shape& in, const Shape& out) {
  return layer.kind().parameter_count(layer, in, out);
}

}  // namespace hourglass
