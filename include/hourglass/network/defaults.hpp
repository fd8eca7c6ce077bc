// The network an interface builds when the user names none (Python's estimators with
// network=None): one rule, in one place, for every binding.
#pragma once

#include <cstdint>
#include <string>

namespace hourglass {

/// For rows of `width` values (a table's coded width, an image's pixels): a ruta network
/// string of one tanh code layer of half the values, at least 1 and at most 64
/// ("2:tanh" for iris's 4 columns), the width PCA's common rule of thumb keeps.
std::string default_network(int64_t width);

}  // namespace hourglass
