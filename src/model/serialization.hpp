// A model to and from the bytes of its file: safetensors with the Hourglass config in
// the metadata (format version, learner, scaler, seed, history).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "model/model_impl.hpp"
#include "model/safetensors.hpp"

namespace hourglass {

/// The file format version this build writes and reads.
constexpr int kModelFormatVersion = 1;

/// Tensors whose names start with this are a checkpoint's training state, which a
/// model file may carry and Model::load ignores.
constexpr std::string_view kCheckpointPrefix = "checkpoint.";

/// `extra` tensors (named kCheckpointPrefix...) and metadata travel along.
std::string serialize_model(const Model::Impl& model, const safetensors::NamedTensors& extra = {},
                            const std::map<std::string, std::string>& extra_metadata = {});

/// Throws ModelFileError naming `source` for anything that is not a model this build
/// can read. `contents`, when given, receives what the file holds besides the model.
std::shared_ptr<Model::Impl> deserialize_model(std::string_view bytes, const std::string& source,
                                               safetensors::Contents* contents = nullptr);

}  // namespace hourglass
