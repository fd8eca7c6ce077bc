// The training options' JSON, for the library's own JSON readers (the web server's
// training requests); the public form is train_options_to_json/from_json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "hourglass/train/option_specs.hpp"

namespace hourglass {

nlohmann::json option_value_to_json(const OptionValue& value);
/// The JSON value as the option's type; InvalidArgument naming the option and the JSON
/// type received (never the value: a refused value may be deep or huge).
OptionValue option_value_from_json(const OptionSpec& spec, const nlohmann::json& value);
/// Every option as a JSON object.
nlohmann::json train_options_json(const TrainOptions& options);
/// Sets the option called `name` from a JSON value (set_train_option's checks).
void set_train_option_json(TrainOptions& options, const std::string& name, const nlohmann::json& value);

}  // namespace hourglass
