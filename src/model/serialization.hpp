// A model to and from the bytes of its file: safetensors with the Hourglass config in
// the metadata (format version, learner, scaler, seed, history, training state).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "model/model_impl.hpp"
#include "model/safetensors.hpp"

namespace hourglass {

/// The file format version this build writes. Version 1 files (Hourglass 0.1) are read
/// too, without their training state (an opaque LibTorch archive, never parsed).
constexpr int kModelFormatVersion = 2;

/// The model with its training state: tensors "net.*" (the weights), "scaler.*",
/// "training.optimizer.<parameter>.<field>", "training.generator" and
/// "training.callbacks.<callback>.<name>", and the config JSON in the metadata.
std::string serialize_model(const Model::Impl& model);

/// Throws ModelFileError naming `source` for anything that is not a model this build
/// can read.
std::shared_ptr<Model::Impl> deserialize_model(std::string_view bytes, const std::string& source);

}  // namespace hourglass
