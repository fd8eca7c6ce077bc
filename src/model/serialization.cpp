#include "model/serialization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "hourglass/error.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/network/parse.hpp"
#include "io/json_text.hpp"
#include "model/safetensors.hpp"
#include "network/shapes.hpp"
#include "variants/learner_json.hpp"

namespace hourglass {
namespace {

using nlohmann::json;

constexpr std::string_view kTrainingPrefix = "training.";
const std::string kOptimizerPrefix = "training.optimizer.";
const std::string kCallbackPrefix = "training.callbacks.";
const std::string kGenerator = "training.generator";
// An adversarial autoencoder's discriminator and its two optimizers.
const std::string kDiscriminatorPrefix = "discriminator.";
const std::string kDiscriminatorOptimizerPrefix = "training.discriminator_optimizer.";
const std::string kGeneratorOptimizerPrefix = "training.generator_optimizer.";

// JSON has no NaN or infinity (nlohmann writes null): they travel as strings, so that a
// run whose validation loss overflowed still saves a model that loads.
json number_to_json(double value) {
  if (std::isfinite(value)) return value;
  return std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
}

double number_from_json(const json& value) {
  if (value.is_number()) return value.get<double>();
  const auto text = value.get<std::string>();  // throws a json type error for anything else
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (text == "inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  throw json::type_error::create(302, "expected a number, got '" + text + "'", nullptr);
}

json history_to_json(const History& history) {
  json epochs = json::array();
  for (const auto& e : history.epochs) {
    json values = json::array();
    for (const auto& [name, v] : e.values) values.push_back({name, number_to_json(v)});
    epochs.push_back({{"epoch", e.epoch}, {"seconds", number_to_json(e.seconds)}, {"values", values}});
  }
  return epochs;
}

History history_from_json(const json& epochs) {
  History history;
  for (const auto& e : epochs) {
    EpochRecord record;
    record.epoch = e.at("epoch").get<int64_t>();
    record.seconds = number_from_json(e.at("seconds"));
    for (const auto& pair : e.at("values")) {
      record.values.emplace_back(pair.at(0).get<std::string>(), number_from_json(pair.at(1)));
    }
    history.epochs.push_back(std::move(record));
  }
  return history;
}

// The training state's JSON part; its tensors go beside the weights.
json training_to_json(const TrainingState& training, safetensors::NamedTensors& tensors) {
  json callbacks = json::object();
  for (const auto& [name, state] : training.callbacks) {
    json numbers = json::object(), tensor_names = json::array();
    for (const auto& [key, value] : state.numbers) numbers[key] = number_to_json(value);
    for (const auto& [key, tensor] : state.tensors) {
      tensor_names.push_back(key);
      tensors.emplace_back(kCallbackPrefix + name + "." + key, tensor);
    }
    callbacks[name] = {{"numbers", numbers}, {"texts", state.texts}, {"tensors", tensor_names}};
  }
  for (const auto& [key, tensor] : training.optimizer_state) tensors.emplace_back(kOptimizerPrefix + key, tensor);
  for (const auto& [key, tensor] : training.discriminator_optimizer_state)
    tensors.emplace_back(kDiscriminatorOptimizerPrefix + key, tensor);
  for (const auto& [key, tensor] : training.generator_optimizer_state)
    tensors.emplace_back(kGeneratorOptimizerPrefix + key, tensor);
  if (training.generator.defined()) tensors.emplace_back(kGenerator, training.generator);
  return {{"optimizer", training.optimizer},
          {"learning_rate", number_to_json(training.learning_rate)},
          {"momentum", number_to_json(training.momentum)},
          {"final_epoch", training.final_epoch},
          {"callbacks", callbacks}};
}

TrainingState training_from_json(const json& in, const safetensors::NamedTensors& tensors) {
  TrainingState training;
  training.optimizer = in.at("optimizer").get<std::string>();
  check_optimizer_name(training.optimizer);  // an unknown name is an invalid config
  training.learning_rate = number_from_json(in.at("learning_rate"));
  training.momentum = number_from_json(in.at("momentum"));
  training.final_epoch = in.at("final_epoch").get<int64_t>();
  const auto tensor = [&](const std::string& name) -> const torch::Tensor* {
    for (const auto& [key, t] : tensors) {
      if (key == name) return &t;
    }
    return nullptr;
  };
  for (const auto& [name, state] : in.at("callbacks").items()) {
    CallbackState callback;
    for (const auto& [key, value] : state.at("numbers").items()) callback.numbers[key] = number_from_json(value);
    callback.texts = state.at("texts").get<std::map<std::string, std::string>>();
    for (const auto& key : state.at("tensors")) {
      const auto* t = tensor(kCallbackPrefix + name + "." + key.get<std::string>());
      if (!t) throw ModelFileError("callback " + name + "'s tensor '" + key.get<std::string>() + "' is missing");
      callback.tensors.emplace_back(key.get<std::string>(), *t);
    }
    training.callbacks[name] = std::move(callback);
  }
  for (const auto& [key, t] : tensors) {
    if (key.rfind(kOptimizerPrefix, 0) == 0)
      training.optimizer_state.emplace_back(key.substr(kOptimizerPrefix.size()), t);
    if (key.rfind(kDiscriminatorOptimizerPrefix, 0) == 0)
      training.discriminator_optimizer_state.emplace_back(key.substr(kDiscriminatorOptimizerPrefix.size()), t);
    if (key.rfind(kGeneratorOptimizerPrefix, 0) == 0)
      training.generator_optimizer_state.emplace_back(key.substr(kGeneratorOptimizerPrefix.size()), t);
  }
  if (const auto* generator = tensor(kGenerator)) {
    if (generator->scalar_type() != torch::kByte || generator->dim() != 1) {
      throw ModelFileError("the random generator's state is not a byte vector");
    }
    training.generator = *generator;
  }
  return training;
}

json threshold_to_json(const Threshold& threshold) {
  return {{"value", threshold.value},
          {"rule", threshold.rule},
          {"score", threshold.score},
          {"samples", threshold.samples},
          {"rows", threshold.rows}};
}

// Optional in the config (files from before anomaly scores have none): the format version stays.
Threshold threshold_from_json(const json& in, const Autoencoder& learner) {
  Threshold threshold;
  threshold.value = in.at("value").get<double>();
  threshold.rule = in.at("rule").get<std::string>();
  threshold.score = in.at("score").get<std::string>();
  threshold.samples = in.at("samples").get<int64_t>();
  threshold.rows = in.at("rows").get<int64_t>();
  check_threshold_rule(threshold.rule);
  if (!std::isfinite(threshold.value) || threshold.samples < 1 || threshold.rows < 0 ||
      (threshold.score != "reconstruction" && threshold.score != "elbo") ||
      (threshold.score == "elbo" && !learner.variational)) {
    throw InvalidArgument("invalid threshold " + in.dump());
  }
  return threshold;
}

// Where network k keeps its tensors: the first (every model's) under "net.", an
// ensemble's others under "member.<k>.net.".
std::string network_prefix(size_t k) { return k == 0 ? "net." : "member." + std::to_string(k) + ".net."; }

// The error for a file at source that is no model file, saying what is wrong.
ModelFileError invalid_file(const std::string& source, const std::string& what) {
  return ModelFileError("'" + source + "' is not a valid Hourglass model file: " + what);
}

// The config of a decoded file, once its metadata shows a model of a format version this build reads.
json checked_config(const safetensors::Contents& contents, const std::string& source) {
  const auto& meta = contents.metadata;
  if (!meta.count("format") || meta.at("format") != "hourglass" || !meta.count("config") ||
      !meta.count("format_version")) {
    throw invalid_file(source, "a safetensors file without Hourglass metadata");
  }
  const std::string version = meta.at("format_version");
  if (version == std::to_string(kModelFormatVersion) && !contents.checksummed) {
    throw invalid_file(source, "it has no checksum, which every file of format version " + version + " has (damaged?)");
  }
  if (version != std::to_string(kModelFormatVersion) && version != "1") {
    throw ModelFileError("'" + source + "' has model format version " + abbreviate(version, 20) +
                         " but this build of Hourglass reads version " + std::to_string(kModelFormatVersion) +
                         "; use a matching Hourglass version");
  }
  const std::string& text = meta.at("config");
  if (json_depth(text) > kMaxJsonDepth) {
    throw invalid_file(source, "its config nests more than " + std::to_string(kMaxJsonDepth) + " levels deep");
  }
  const json config = json::parse(text, nullptr, false);
  if (!config.is_object()) throw invalid_file(source, "the config metadata is not a JSON object");
  return config;
}

// The sizes a config states: the samples' shape and values, and the ensemble's networks.
struct Sizes {
  Shape input_shape;
  int64_t input_dim = 1;
  size_t members = 0;  // the networks beside the first
};

// The config's ensemble size and input shape, checked.
Sizes sizes_from_json(const json& config, const std::string& source) {
  Sizes sizes;
  if (config.contains("ensemble")) {
    const auto networks = config.at("ensemble").get<int64_t>();
    if (networks < 2 || networks > Model::kMaxNetworks)
      throw invalid_file(source, "invalid ensemble size " + std::to_string(networks));
    sizes.members = static_cast<size_t>(networks - 1);
  }
  // Files from before shaped data hold the width alone.
  sizes.input_shape = config.contains("input_shape") ? config.at("input_shape").get<Shape>()
                                                     : Shape{config.at("input_dim").get<int64_t>()};
  if (sizes.input_shape.empty() || sizes.input_shape.size() > 3) throw invalid_file(source, "invalid input_shape");
  for (int64_t side : sizes.input_shape) {
    if (side < 1 || side > (int64_t{1} << 31) / sizes.input_dim) throw invalid_file(source, "invalid input_shape");
    sizes.input_dim *= side;
  }
  return sizes;
}

// The table coding a config and the file's tensors describe, for input_dim values: the
// columns' levels and names, the missing indicators, the scaler and the means.
TableCoding coding_from_json(const json& config, const safetensors::NamedTensors& tensors, int64_t input_dim,
                             const std::string& source) {
  std::vector<std::vector<std::string>> levels;
  if (config.contains("levels")) levels = config.at("levels").get<std::vector<std::vector<std::string>>>();
  std::vector<int64_t> indicators;
  if (config.contains("missing_indicators")) indicators = config.at("missing_indicators").get<std::vector<int64_t>>();
  const auto indicated = static_cast<int64_t>(indicators.size());
  if (indicated >= input_dim) throw invalid_file(source, "it has more missing indicators than values");
  const int64_t other_level = config.contains("other_level") ? config.at("other_level").get<int64_t>() : 0;
  std::vector<std::vector<std::string>> rare_levels;
  if (config.contains("rare_levels")) {
    rare_levels = config.at("rare_levels").get<std::vector<std::vector<std::string>>>();
  }
  for (const auto& l : levels) {
    if (l.size() > TableCoding::kMaxLevels) throw invalid_file(source, "a column has more levels than any model can");
  }
  const int64_t columns = levels.empty() ? input_dim - indicated : static_cast<int64_t>(levels.size());
  const TableLayout layout = TableLayout::of(columns, levels, indicators);
  if (layout.width != input_dim) throw invalid_file(source, "its columns' levels do not fit its input shape");
  const auto numeric = static_cast<int64_t>(layout.numeric_columns.size());
  std::vector<std::string> names;
  if (config.contains("columns")) names = config.at("columns").get<std::vector<std::string>>();
  if (!names.empty() && static_cast<int64_t>(names.size()) != columns) {
    throw invalid_file(source, "it names " + std::to_string(names.size()) + " columns for data of another width");
  }
  auto find = [&](const std::string& name, bool required) -> torch::Tensor {
    for (const auto& [key, t] : tensors) {
      if (key == name) {
        if (t.dim() != 1 || t.size(0) != numeric) throw invalid_file(source, "'" + name + "' has the wrong shape");
        return t;
      }
    }
    if (required) throw invalid_file(source, "the scaler's '" + name + "' tensor is missing");
    return {};
  };
  const std::string scaler = config.at("scaler").get<std::string>();
  Scaler fitted;
  if (scaler != "none" && numeric == 0) {
    fitted = Scaler::from_parts(scaler, torch::zeros({0}), torch::zeros({0}));
  } else if (scaler != "none") {
    fitted = Scaler::from_parts(scaler, find("scaler.offset", true), find("scaler.scale", true));
  }
  auto mean = find("coding.mean", false);
  if (!mean.defined() && !levels.empty() && numeric == 0) mean = torch::zeros({0});
  return TableCoding::from_parts(fitted, mean, std::move(levels), std::move(names), std::move(indicators), other_level,
                                 std::move(rare_levels));
}

// The count of the values of the tensors whose names start with prefix.
int64_t stored_values(const safetensors::NamedTensors& tensors, const std::string& prefix) {
  int64_t stored = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name.rfind(prefix, 0) == 0) stored += tensor.numel();
  }
  return stored;
}

// Refuses a file whose tensors hold fewer values than its networks (and discriminator)
// need, before any of their memory is taken.
void check_weights_fit(const Model::Impl& impl, const Sizes& sizes, const safetensors::NamedTensors& tensors,
                       const std::string& source) {
  const Network& network = impl.learner.network;
  const auto shapes = network.output_shapes(sizes.input_shape);
  Shape in = network.input_shape_for(sizes.input_shape);
  int64_t needed = 0;
  for (size_t i = 0; i < network.size(); ++i) {
    const auto count = layer_parameters(network[i], in, shapes[i]);
    needed += count.trainable + count.frozen;
    in = shapes[i];
  }
  if (impl.learner.adversarial) {
    const int64_t discriminator_needed = nn::DiscriminatorImpl::parameter_count(
        shape_size(shapes[network.encoding_index()]), impl.learner.adversarial->discriminator);
    const int64_t discriminator_stored = stored_values(tensors, kDiscriminatorPrefix);
    if (discriminator_needed > discriminator_stored) {
      throw invalid_file(source, "its discriminator needs " + std::to_string(discriminator_needed) +
                                     " weights but the file holds " + std::to_string(discriminator_stored));
    }
  }
  for (size_t k = 0; k <= sizes.members; ++k) {
    const int64_t stored = stored_values(tensors, network_prefix(k));
    if (needed > stored) {
      throw invalid_file(source, "its network" + (k == 0 ? std::string() : " " + std::to_string(k + 1)) + " needs " +
                                     std::to_string(needed) + " weights but the file holds " + std::to_string(stored) +
                                     " (truncated or corrupted file)");
    }
  }
}

// Copies the file's tensors into the networks (and the discriminator), checking each
// name, shape and type, and that the file holds no tensor beside them, the scaler's and the
// training state's.
void load_weights(Model::Impl& impl, const safetensors::NamedTensors& tensors, const std::string& source) {
  torch::NoGradGuard no_grad;
  size_t matched = 0;
  // One lookup table: a network of many layers loads in linear time.
  std::unordered_map<std::string_view, const torch::Tensor*> by_name;
  for (const auto& [name, t] : tensors) by_name.emplace(name, &t);
  auto fill = [&](const std::string& key, torch::Tensor& target, const std::string& prefix) {
    const std::string name = prefix + key;
    const auto found = by_name.find(name);
    if (found == by_name.end()) throw invalid_file(source, "tensor '" + name + "' is missing");
    const torch::Tensor& t = *found->second;
    if (t.sizes() != target.sizes()) {
      throw invalid_file(source, "tensor '" + name + "' has shape " + c10::str(t.sizes()) + " but the network needs " +
                                     c10::str(target.sizes()));
    }
    if (t.scalar_type() != target.scalar_type()) {
      throw invalid_file(source, "tensor '" + name + "' holds " + std::string(c10::toString(t.scalar_type())) +
                                     " values but the network needs " + c10::toString(target.scalar_type()));
    }
    target.copy_(t);
    ++matched;
  };
  auto networks = impl.networks();
  for (size_t k = 0; k < networks.size(); ++k) {
    for (auto& item : networks[k]->named_parameters()) fill(item.key(), item.value(), network_prefix(k));
    for (auto& item : networks[k]->named_buffers()) fill(item.key(), item.value(), network_prefix(k));
  }
  if (impl.learner.adversarial) {
    // Its sizes come from the config (checked there); the code is the network's.
    impl.discriminator = nn::Discriminator(impl.net->code_dim(), impl.learner.adversarial->discriminator);
    for (auto& item : impl.discriminator->named_parameters()) fill(item.key(), item.value(), kDiscriminatorPrefix);
  }
  const size_t scaler_tensors =
      (impl.coding.scaler().is_identity() || impl.coding.scaler().offset().numel() == 0 ? 0 : 2) +
      (impl.coding.mean().defined() && impl.coding.mean().numel() > 0 ? 1 : 0);
  // Version 1 kept its training state under "checkpoint.".
  const auto training_tensors = std::count_if(tensors.begin(), tensors.end(), [](const auto& t) {
    return t.first.rfind(kTrainingPrefix, 0) == 0 || t.first.rfind("checkpoint.", 0) == 0;
  });
  if (matched + scaler_tensors + static_cast<size_t>(training_tensors) != tensors.size()) {
    throw invalid_file(source, "it holds tensors the network does not have");
  }
}

}  // namespace

std::string serialize_model(const Model::Impl& model) {
  json config = {
      {"learner", learner_to_json(model.learner)}, {"input_shape", model.net->data_shape()},
      {"scaler", model.coding.scaler().kind()},    {"seed", model.seed},
      {"history", history_to_json(model.history)}, {"stop_reason", model.history.stop_reason},
  };
  safetensors::NamedTensors tensors;
  const auto networks = model.networks();
  for (size_t k = 0; k < networks.size(); ++k) {
    for (const auto& item : networks[k]->named_parameters())
      tensors.emplace_back(network_prefix(k) + item.key(), item.value());
    for (const auto& item : networks[k]->named_buffers())
      tensors.emplace_back(network_prefix(k) + item.key(), item.value());
  }
  if (!model.members.empty()) config["ensemble"] = model.members.size() + 1;
  if (model.discriminator) {
    for (const auto& item : model.discriminator->named_parameters())
      tensors.emplace_back(kDiscriminatorPrefix + item.key(), item.value());
  }
  const Scaler& scaler = model.coding.scaler();
  const bool stores_scaler = !scaler.is_identity() && scaler.offset().numel() > 0;  // not for categories alone
  if (stores_scaler) {
    tensors.emplace_back("scaler.offset", scaler.offset());
    tensors.emplace_back("scaler.scale", scaler.scale());
  }
  // A table's columns, their kinds and levels, and the means that fill missing cells.
  // (A table of categories alone has no mean: safetensors stores no empty tensor.)
  const bool stores_mean = model.coding.mean().defined() && model.coding.mean().numel() > 0;
  if (stores_mean) tensors.emplace_back("coding.mean", model.coding.mean());
  if (!model.coding.names().empty()) config["columns"] = model.coding.names();
  if (!model.label_name.empty()) config["label"] = model.label_name;
  if (model.coding.has_categories()) config["levels"] = model.coding.levels();
  if (!model.coding.missing_indicators().empty()) config["missing_indicators"] = model.coding.missing_indicators();
  if (model.coding.other_level() > 0) config["other_level"] = model.coding.other_level();
  if (!model.coding.rare_levels().empty()) config["rare_levels"] = model.coding.rare_levels();
  if (!model.training.empty()) config["training"] = training_to_json(model.training, tensors);
  if (model.threshold) config["threshold"] = threshold_to_json(*model.threshold);
  std::map<std::string, std::string> metadata;
  metadata["format"] = "hourglass";
  metadata["format_version"] = std::to_string(kModelFormatVersion);
  metadata["config"] = config.dump();
  return safetensors::encode(tensors, metadata);
}

std::shared_ptr<Model::Impl> deserialize_model(std::string_view bytes, const std::string& source) {
  const auto contents = safetensors::decode(bytes, source);
  const json config = checked_config(contents, source);

  auto impl = std::make_shared<Model::Impl>();
  Sizes sizes;
  try {
    impl->learner = learner_from_json(config.at("learner"));
    sizes = sizes_from_json(config, source);
    impl->seed = config.at("seed").get<uint64_t>();
    impl->history = history_from_json(config.at("history"));
    if (config.contains("stop_reason")) impl->history.stop_reason = config.at("stop_reason").get<std::string>();
    if (config.contains("threshold")) impl->threshold = threshold_from_json(config.at("threshold"), impl->learner);
    if (config.contains("training")) impl->training = training_from_json(config.at("training"), contents.tensors);
    impl->coding = coding_from_json(config, contents.tensors, sizes.input_dim, source);
    if (config.contains("label")) impl->label_name = config.at("label").get<std::string>();
  } catch (const json::exception& e) {
    throw invalid_file(source, std::string("malformed config (") + e.what() + ")");
  } catch (const ModelFileError&) {
    throw;
  } catch (const Error& e) {
    throw invalid_file(source, std::string("invalid config (") + e.what() + ")");
  }

  try {
    // The weights are allocated only for a network the file can fill: a config that
    // claims huge layers is refused before any memory is taken.
    check_weights_fit(*impl, sizes, contents.tensors, source);
    const Network& network = impl->learner.network;
    impl->net = nn::AutoencoderNet(network, sizes.input_shape);
    for (size_t k = 0; k < sizes.members; ++k) impl->members.emplace_back(network, sizes.input_shape);
  } catch (const InvalidArgument& e) {
    throw invalid_file(source, std::string("its network does not fit its input shape (") + e.what() + ")");
  }
  load_weights(*impl, contents.tensors, source);
  return impl;
}

}  // namespace hourglass
