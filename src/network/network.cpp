#include "hourglass/network/network.hpp"

#include <algorithm>
#include <iomanip>
#include <map>
#include <sstream>

#include "hourglass/error.hpp"
#include "hourglass/network/layer_kind.hpp"
#include "network/shapes.hpp"

namespace hourglass {

namespace {

// An output() right after a sequence maps it step by step (Keras's TimeDistributed(Dense)):
// the network is the one place that sees both layers.
void map_sequences_per_step(std::vector<Layer>& layers, size_t from) {
  for (size_t i = std::max<size_t>(from, 1); i < layers.size(); ++i) {
    const Layer& before = layers[i - 1];
    if (layers[i].is("output") && before.kind().yields_time_steps(before) && !layers[i].flag("per_step")) {
      layers[i] = layers[i].with("per_step", true);
    }
  }
}

}  // namespace

Network::Network(Layer layer) : layers_{std::move(layer)} {}
Network::Network(std::vector<Layer> layers) : layers_(std::move(layers)) { map_sequences_per_step(layers_, 0); }

Network Network::from_sizes(const std::vector<int64_t>& sizes, const std::string& activation,
                            const std::string& output_activation) {
  if (sizes.empty()) {
    throw InvalidArgument("network sizes: expected at least one layer size, got none");
  }
  std::vector<Layer> layers{input()};
  for (int64_t units : sizes) layers.push_back(dense(units, activation));
  for (size_t i = sizes.size() - 1; i-- > 0;) layers.push_back(dense(sizes[i], activation));
  layers.push_back(output(output_activation));
  return Network(std::move(layers));
}

const Layer& Network::operator[](size_t i) const {
  if (i >= layers_.size()) {
    throw InvalidArgument("network index " + std::to_string(i) + " out of range: the network has " +
                          std::to_string(layers_.size()) + " layers (0-based)");
  }
  return layers_[i];
}

Network Network::slice(size_t begin, size_t end) const {
  if (begin > end || end > layers_.size()) {
    throw InvalidArgument("network slice [" + std::to_string(begin) + ", " + std::to_string(end) +
                          ") out of range: the network has " + std::to_string(layers_.size()) + " layers");
  }
  return Network(std::vector<Layer>(layers_.begin() + begin, layers_.begin() + end));
}

Network Network::select(const std::vector<size_t>& positions) const {
  std::vector<Layer> picked;
  picked.reserve(positions.size());
  for (size_t i : positions) picked.push_back((*this)[i]);
  return Network(std::move(picked));
}

size_t Network::encoding_index() const {
  std::vector<size_t> coded, spatial;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const LayerRole role = layers_[i].kind().role();
    if (role == LayerRole::code) coded.push_back(i);
    if (role == LayerRole::spatial) spatial.push_back(i);
  }
  if (!coded.empty()) return coded[(coded.size() + 1) / 2 - 1];
  for (size_t c = 1; c < spatial.size(); ++c) {
    const Layer& layer = layers_[spatial[c]];
    if (layer.kind().upsamples(layer)) return spatial[c - 1];
  }
  if (!spatial.empty()) return spatial[(spatial.size() + 1) / 2 - 1];
  throw InvalidArgument("network '" + describe() +
                        "' has no layer to use as the encoding; add one, e.g. input() + dense(2) + output()");
}

void Network::validate() const {
  const std::string hint = " (e.g. input() + dense(16) + output())";
  if (layers_.size() > kMaxLayers) {
    throw InvalidArgument("a network has at most " + std::to_string(kMaxLayers) + " layers, this one has " +
                          std::to_string(layers_.size()));
  }
  if (layers_.empty() || layers_.front().kind().role() != LayerRole::input) {
    throw InvalidArgument("network '" + describe() + "' must start with input()" + hint);
  }
  if (layers_.size() < 2 || !layers_.back().kind().may_end_network()) {
    throw InvalidArgument("network '" + describe() + "' must end with output() or a conv layer" + hint);
  }
  for (size_t i = 1; i + 1 < layers_.size(); ++i) {
    const LayerRole role = layers_[i].kind().role();
    if (role == LayerRole::input || role == LayerRole::output) {
      throw InvalidArgument("network '" + describe() + "': " + layers_[i].to_string() + " at position " +
                            std::to_string(i) + " may only be the first (input) or last (output) layer");
    }
  }
  const size_t code = encoding_index();  // throws when there is no sized layer
  for (size_t i = 0; i < layers_.size(); ++i) {
    if (layers_[i].kind().must_be_code() && i != code) {
      throw InvalidArgument("network '" + describe() + "': " + layers_[i].to_string() + " at position " +
                            std::to_string(i) + " is not the encoding layer (position " + std::to_string(code) +
                            "); a " + layers_[i].kind_name() + " layer must be the middle layer with units");
    }
  }
}

std::string Network::describe() const { return abbreviate(to_string(), 200); }

std::string Network::to_string() const {
  std::string out;
  for (size_t i = 0; i < layers_.size(); ++i) {
    if (i > 0) out += " + ";
    out += layers_[i].to_string();
  }
  return out;
}

namespace {

struct SummaryRow {
  std::string name, shape;
  ParameterCount count;
};

}  // namespace

std::vector<std::string> Network::layer_names() const {
  std::vector<std::string> names;
  std::map<std::string, int> counts;
  for (const Layer& layer : layers_) {
    std::string name = layer.kind_name();
    const LayerRole role = layer.kind().role();
    if (role != LayerRole::input && role != LayerRole::output) name += "_" + std::to_string(++counts[name]);
    names.push_back(name);
  }
  return names;
}

int64_t Network::parameter_count(const Shape& data_shape) const {
  const auto shapes = output_shapes(data_shape);
  Shape in = input_shape_for(data_shape);
  int64_t total = 0;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const auto count = layer_parameters(layers_[i], in, shapes[i]);
    total += count.trainable + count.frozen;
    in = shapes[i];
  }
  return total;
}

std::string Network::summary(const Shape& data_shape) const {
  std::vector<SummaryRow> rows;
  const size_t code = layers_.empty() ? 0 : encoding_index();
  const auto shapes = output_shapes(data_shape);
  const auto names = layer_names();
  Shape in = input_shape_for(data_shape);
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& layer = layers_[i];
    SummaryRow row;
    row.count = layer_parameters(layer, in, shapes[i]);
    const std::string& name = names[i];
    row.name = name + " (" + layer.kind().summary_type(layer) + ")" + (i == code ? " <- encoding" : "");
    row.shape = "(None";
    for (int64_t side : shapes[i]) row.shape += ", " + std::to_string(side);
    row.shape += ")";
    rows.push_back(row);
    in = shapes[i];
  }

  size_t name_w = 20;
  for (const auto& r : rows) name_w = std::max(name_w, r.name.size() + 2);
  const size_t shape_w = 20, param_w = 10;
  const std::string rule_eq(name_w + shape_w + param_w, '='), rule(name_w + shape_w + param_w, '_');
  std::ostringstream out;
  out << std::left << std::setw(name_w) << "Layer (type)" << std::setw(shape_w) << "Output Shape"
      << "Param #\n"
      << rule_eq << '\n';
  int64_t trainable = 0, frozen = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    out << std::setw(name_w) << r.name << std::setw(shape_w) << r.shape << r.count.trainable + r.count.frozen << '\n'
        << (i + 1 < rows.size() ? rule : rule_eq) << '\n';
    trainable += r.count.trainable;
    frozen += r.count.frozen;
  }
  out << "Total params: " << trainable + frozen << '\n'
      << "Trainable params: " << trainable << '\n'
      << "Non-trainable params: " << frozen << '\n';
  return out.str();
}

Network operator+(Network lhs, const Network& rhs) {
  const size_t joint = lhs.layers_.size();
  lhs.layers_.insert(lhs.layers_.end(), rhs.layers_.begin(), rhs.layers_.end());
  map_sequences_per_step(lhs.layers_, joint);
  return lhs;
}

}  // namespace hourglass
