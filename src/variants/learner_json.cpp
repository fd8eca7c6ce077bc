#include "variants/learner_json.hpp"

#include "hourglass/error.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/variants/variant_kind.hpp"
#include "io/json_text.hpp"

namespace hourglass {

nlohmann::json learner_to_json(const Autoencoder& learner) {
  nlohmann::json out = {{"types", learner.types()}, {"network", learner.network.to_string()}, {"loss", learner.loss}};
  for (const auto& kind : variant_kinds()) {
    if (!kind.present(learner)) continue;
    nlohmann::json& parameters = out[kind.property] = nlohmann::json::object();
    for (const auto& [name, value] : kind.arguments(learner)) parameters[name] = variant_to_json(value);
  }
  return out;
}

Autoencoder learner_from_json(const nlohmann::json& in) {
  Autoencoder learner =
      autoencoder(parse_network(in.at("network").get<std::string>()), in.at("loss").get<std::string>());
  for (const auto& kind : variant_kinds()) {
    if (!in.contains(kind.property)) continue;
    Arguments arguments;
    for (const auto& [name, value] : in.at(kind.property).items())
      arguments.emplace_back(name, variant_from_json<ArgumentValue>(value));
    learner = add_variant(std::move(learner), kind, arguments);
  }
  return learner;
}

std::string Autoencoder::config() const { return learner_to_json(*this).dump(); }

Autoencoder autoencoder_from_config(std::string_view config) {
  const nlohmann::json in = parse_json(config, "the learner's config");
  const std::string expected =
      "expected a learner's config such as {\"network\": \"input() + dense(2) + output()\", \"loss\": \"mse\"} "
      "(Autoencoder::config() writes one)";
  if (in.is_discarded() || !in.is_object()) throw InvalidArgument("autoencoder_from_config: " + expected);
  try {
    return learner_from_json(in);
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument("autoencoder_from_config: " + expected + "; " + e.what());
  }
}

}  // namespace hourglass
