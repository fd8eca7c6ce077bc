// A model to and from the bytes of its file: safetensors with the Hourglass config in
// the metadata (format version, learner, scaler, seed, history).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "model/model_impl.hpp"

namespace hourglass {

/// The file format version this build writes and reads.
constexpr int kModelFormatVersion = 1;

std::string serialize_model(const Model::Impl& model);

/// Throws ModelFileError naming `source` for anything that is not a model this build
/// can read.
std::shared_ptr<Model::Impl> deserialize_model(std::string_view bytes, const std::string& source);

}  // namespace hourglass
