// Training: a learner plus data gives a Model.
//
//   Model model = train(autoencoder("16,2:tanh"), data,
//                       TrainOptions().epochs(100).optimizer("adam").verbose(true));
#pragma once

#include <ATen/core/Tensor.h>

#include "hourglass/model/model.hpp"
#include "hourglass/train/options.hpp"
#include "hourglass/variants/autoencoder.hpp"

namespace hourglass {

/// Trains on `data` (rows x features). Throws InvalidArgument for bad options,
/// DataError for unusable data and TrainingError when the loss stops being finite.
Model train(const Autoencoder& learner, const at::Tensor& data, const TrainOptions& options = {});

}  // namespace hourglass
