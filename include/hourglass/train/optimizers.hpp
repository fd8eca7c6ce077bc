// Optimizers by name, with Keras's defaults (ruta trains through Keras).
//
//   default_learning_rate("rmsprop");   // 0.001
#pragma once

#include <string>
#include <vector>

namespace hourglass {

/// sgd, rmsprop, adam, adamax, adagrad, adadelta.
const std::vector<std::string>& optimizer_names();

/// Keras's default learning rate: 0.01 for sgd, 0.001 for the others.
/// Throws InvalidArgument listing the valid names.
double default_learning_rate(const std::string& optimizer);

}  // namespace hourglass
