// The way in to a Model's internals for code inside the library (training, the export,
// the report, the model file) and its tests: Model::impl() is private, so that the
// public API holds no handle to the LibTorch modules.
//
//   Model::Impl& impl = ModelAccess::impl(model);
//   impl.net->encode(x);
#pragma once

#include "hourglass/model/model.hpp"

namespace hourglass {

struct ModelAccess {
  /// What `model` holds; as Model::impl(), throws InvalidArgument for a model without
  /// weights. A Model is a handle: a const one gives its modules too, as its own const
  /// methods (encode, reconstruct) use them.
  static Model::Impl& impl(const Model& model) { return model.impl(); }
};

}  // namespace hourglass
