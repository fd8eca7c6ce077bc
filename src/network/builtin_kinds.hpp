// The hook by which the layer kinds Hourglass ships reach the kind registry. The network
// folder declares the registry and this function; the layers folder, above it, defines
// the function (src/layers/builtin.cpp) and so fills the registry, which calls it once,
// when it is first used.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hourglass/network/layer_kind.hpp"

namespace hourglass {

using LayerKindPtr = std::shared_ptr<const LayerKind>;

/// Calls `add` with each built-in kind and its aliases, in the order `hourglass layers`
/// lists them. Defined in src/layers/builtin.cpp.
void register_builtin_layer_kinds(const std::function<void(LayerKindPtr, const std::vector<std::string>&)>& add);

}  // namespace hourglass
