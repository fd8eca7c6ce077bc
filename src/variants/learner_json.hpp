// A learner as JSON, from the variants' table: what Autoencoder::config() writes and the
// model file holds as its "learner". Each property present is an object of its
// parameters by name; "types" is written for people reading it.
#pragma once

#include <nlohmann/json.hpp>

#include "hourglass/variants/autoencoder.hpp"

namespace hourglass {

nlohmann::json learner_to_json(const Autoencoder& learner);
/// Throws nlohmann's exceptions for a missing or mistyped field and InvalidArgument for
/// a value the learner refuses; callers say which file or text it was.
Autoencoder learner_from_json(const nlohmann::json& in);

}  // namespace hourglass
