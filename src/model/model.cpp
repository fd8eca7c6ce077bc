#include "hourglass/model/model.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/runtime.hpp"
#include "model/inputs.hpp"
#include "model/model_impl.hpp"
#include "model/objective.hpp"
#include "model/serialization.hpp"

namespace hourglass {
namespace {

void check_probability(double p, const char* what) {
  if (!(p > 0.0 && p < 1.0)) {
    throw InvalidArgument(std::string("generate: ") + what + " must be a probability in (0, 1), got " +
                          format_number(p) + "; qnorm(0) and qnorm(1) are infinite");
  }
}

// What generate() and sample() draw from: a variational model's N(0, I) or an
// adversarial model's prior; nullopt for a model without a prior.
std::optional<nn::Prior> prior_of(const Model::Impl& impl) {
  if (impl.learner.adversarial) return nn::Prior::parse(impl.learner.adversarial->prior);
  if (impl.net->is_variational()) return nn::Prior{};
  return std::nullopt;
}

}  // namespace

namespace {

nn::AutoencoderNet copy_of(const nn::AutoencoderNet& net, const Network& network) {
  nn::AutoencoderNet copy(network, net->data_shape());
  torch::NoGradGuard no_grad;
  const auto from_parameters = net->parameters(), to_parameters = copy->parameters();
  for (size_t i = 0; i < from_parameters.size(); ++i) to_parameters[i].copy_(from_parameters[i]);
  const auto from_buffers = net->buffers(), to_buffers = copy->buffers();
  for (size_t i = 0; i < from_buffers.size(); ++i) to_buffers[i].copy_(from_buffers[i]);
  return copy;
}

}  // namespace

std::shared_ptr<Model::Impl> Model::Impl::clone() const {
  auto copy = std::make_shared<Impl>(*this);
  copy->net = copy_of(net, learner.network);
  for (auto& member : copy->members) member = copy_of(member, learner.network);
  if (discriminator) {
    torch::NoGradGuard no_grad;
    copy->discriminator = nn::Discriminator(net->code_dim(), learner.adversarial->discriminator);
    const auto from = discriminator->parameters(), to = copy->discriminator->parameters();
    for (size_t i = 0; i < from.size(); ++i) to[i].copy_(from[i]);
  }
  return copy;
}

std::vector<nn::AutoencoderNet> Model::Impl::networks() const {
  std::vector<nn::AutoencoderNet> all{net};
  all.insert(all.end(), members.begin(), members.end());
  return all;
}

at::Tensor Model::Impl::mean_over_networks(const std::function<at::Tensor(nn::AutoencoderNet&)>& each) const {
  auto first = net;
  auto sum = each(first);
  if (members.empty()) return sum;
  for (auto member : members) sum = sum + each(member);
  return sum / static_cast<double>(members.size() + 1);
}

Model::Model(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {
  for (auto& net : impl_->networks()) net->eval();
}

Model::Impl& Model::impl() const {
  if (!impl_) throw InvalidArgument("this model has no weights yet: train() a learner or Model::load() a file first");
  return *impl_;
}

bool is_trained(const Model& model) { return model.is_trained(); }

const Network& Model::network() const { return learner().network; }

const Autoencoder& Model::learner() const { return impl().learner; }
const Scaler& Model::scaler() const { return impl().coding.scaler(); }
const TableCoding& Model::coding() const { return impl().coding; }
const std::string& Model::label_name() const { return impl().label_name; }
const History& Model::history() const { return impl().history; }
int64_t Model::input_dim() const { return shape_size(sample_shape()); }
int64_t Model::code_dim() const { return impl().net->code_dim(); }
const Shape& Model::code_shape() const { return impl().net->code_shape(); }
const Shape& Model::sample_shape() const {
  // A table's categorical columns and missing indicators are wider on the network's side.
  return impl().coding.recodes() ? impl().coding.shape() : impl().net->data_shape();
}
uint64_t Model::seed() const { return impl().seed; }
int64_t Model::ensemble_size() const { return static_cast<int64_t>(impl().members.size()) + 1; }
std::string Model::summary() const { return network().summary(impl().net->data_shape()); }

int64_t Model::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : impl().net->parameters()) count += p.numel();
  return count;
}

at::Tensor Model::encode(const at::Tensor& data, bool sample) const {
  init_runtime();
  auto& net = impl().net;
  if (sample && !net->is_variational()) {
    throw InvalidArgument("encode: sampling the code needs a variational model; this one is " +
                          join(learner().types()) + " (drop the sample option)");
  }
  auto x = checked_input(data, sample_shape(), "encode");
  return in_chunks(x, [&](const at::Tensor& chunk) {
    const auto input = impl().coding.transform(chunk);
    return sample ? net->variational()->sample(net->posterior(input)) : net->encode(input);
  });
}

at::Tensor Model::decode(const at::Tensor& codes) const {
  init_runtime();
  auto z = checked_input(codes, code_shape(), "decode", /*missing_allowed=*/false);
  return as_samples(
      in_chunks(z, [&](const at::Tensor& chunk) { return impl().coding.inverse_transform(impl().net->decode(chunk)); }),
      sample_shape());
}

at::Tensor Model::generation_grid(const std::vector<int64_t>& dimensions, double from, double to, int64_t side,
                                  double fixed_value) const {
  const auto prior = prior_of(impl());
  if (!prior) {
    throw InvalidArgument("generate: the model is " + join(learner().types()) +
                          ", not variational or adversarial; train one with autoencoder_variational (--type "
                          "variational) or autoencoder_adversarial (--type adversarial)");
  }
  if (dimensions.empty()) throw InvalidArgument("generate: choose at least one latent unit to vary, e.g. 1,2");
  for (size_t i = 0; i < dimensions.size(); ++i) {
    if (dimensions[i] < 1 || dimensions[i] > code_dim()) {
      throw InvalidArgument("generate: latent unit " + std::to_string(dimensions[i]) + " is outside 1.." +
                            std::to_string(code_dim()) + " (the code has " + std::to_string(code_dim()) + " units)");
    }
    if (std::find(dimensions.begin(), dimensions.begin() + i, dimensions[i]) != dimensions.begin() + i) {
      throw InvalidArgument("generate: latent unit " + std::to_string(dimensions[i]) + " is listed twice");
    }
  }
  if (side < 1) throw InvalidArgument("generate: side must be at least 1, got " + std::to_string(side));
  check_probability(from, "from");
  check_probability(to, "to");
  check_probability(fixed_value, "fixed_value");
  // Compared as a double first: side^dimensions can exceed any integer.
  const double grid_points = std::pow(static_cast<double>(side), static_cast<double>(dimensions.size()));
  if (grid_points > 1e6) {
    throw InvalidArgument("generate: side^dimensions is " + format_number(grid_points) +
                          " points, more than 10^6; use a smaller side or fewer dimensions");
  }
  const auto points = static_cast<int64_t>(grid_points);
  // The grid spreads over the prior's quantiles, unit by unit (a mixture's units differ).
  const int64_t units = code_dim();
  const auto probabilities = torch::linspace(from, to, side, torch::kDouble);
  auto grid = torch::empty({points, units}, torch::kDouble);
  for (int64_t unit = 0; unit < units; ++unit) {
    grid.select(1, unit).fill_(prior->quantile(torch::full({1}, fixed_value, torch::kDouble), unit, units).item());
  }
  // Point r takes value (r / side^k) mod side of the k-th listed unit: the first varies fastest.
  const auto rows = torch::arange(points, torch::kLong);
  int64_t stride = 1;
  for (int64_t unit : dimensions) {
    const auto values = prior->quantile(probabilities, unit - 1, units);
    grid.select(1, unit - 1).copy_(values.index_select(0, torch::div(rows, stride, "floor") % side));
    stride *= side;
  }
  return grid.to(torch::kFloat);
}

at::Tensor Model::generate(const std::vector<int64_t>& dimensions, double from, double to, int64_t side,
                           double fixed_value) const {
  return decode(generation_grid(dimensions, from, to, side, fixed_value));
}

at::Tensor Model::sample(int64_t n) const { return decode(prior_codes(n)); }

at::Tensor Model::prior_codes(int64_t n) const {
  const auto prior = prior_of(impl());
  if (!prior) {
    throw InvalidArgument("sample: the model is " + join(learner().types()) +
                          ", not variational or adversarial; only those have a prior to draw from");
  }
  if (n < 1) throw InvalidArgument("sample: the number of samples must be at least 1, got " + std::to_string(n));
  return prior->sample(n, code_dim());
}

namespace {

// Rows x values in, rows x values out.
at::Tensor reconstruct_checked(Model::Impl& impl, const at::Tensor& x) {
  return in_chunks(x, [&](const at::Tensor& chunk) {
    const auto input = impl.coding.transform(chunk);
    return impl.coding.inverse_transform(impl.mean_over_networks([&](auto& net) { return net->forward(input); }));
  });
}

}  // namespace

at::Tensor Model::reconstruct(const at::Tensor& data) const {
  init_runtime();
  return as_samples(reconstruct_checked(impl(), checked_input(data, sample_shape(), "reconstruct")), sample_shape());
}

at::Tensor Model::impute(const at::Tensor& data) const {
  init_runtime();
  const auto x = checked_input(data, sample_shape(), "impute");
  return as_samples(torch::where(x.isnan(), reconstruct_checked(impl(), x), x), sample_shape());
}

std::map<std::string, double> Model::evaluate(const at::Tensor& data, const std::vector<std::string>& metrics) const {
  std::vector<LossFunction> functions;
  for (const auto& name : metrics) functions.push_back(name == "loss" ? nullptr : metric_function(name));
  init_runtime();
  const auto target = checked_input(data, sample_shape(), "evaluate");
  auto prediction = reconstruct_checked(impl(), target);
  // A table's metrics compare its present numeric cells (the loss covers the rest).
  auto compared = target;
  if (coding().has_categories() || target.isnan().any().item<bool>()) {
    const auto numeric = coding().layout().categorical().logical_not();
    const auto cells = target.isnan().logical_not() & numeric.unsqueeze(0);
    prediction = prediction.masked_select(cells);
    compared = target.masked_select(cells);
    for (const auto& name : metrics) {
      if (name != "loss" && compared.numel() == 0) {
        throw InvalidArgument("evaluate: metric '" + name +
                              "' compares numeric cells, and these rows have none (the model's columns are "
                              "categorical or missing); ask for 'loss', the cross-entropy of the categories");
      }
    }
  }
  std::map<std::string, double> values;
  for (size_t i = 0; i < metrics.size(); ++i) {
    values[metrics[i]] = functions[i] ? functions[i](prediction, compared).item<double>() : objective_value(target);
  }
  return values;
}

double Model::objective_value(const at::Tensor& rows) const {
  torch::NoGradGuard no_grad;
  double sum = 0;
  for (const auto& net : impl().networks()) {
    Objective objective(learner(), net, impl().coding);
    for (int64_t first = 0; first < rows.size(0); first += kInferenceChunk) {
      const auto chunk = impl().coding.target(rows.narrow(0, first, std::min(kInferenceChunk, rows.size(0) - first)));
      sum += objective(chunk).total.item<double>() * static_cast<double>(chunk.size(0));
    }
  }
  return sum / static_cast<double>(rows.size(0) * static_cast<int64_t>(impl().networks().size()));
}

void Model::save(const std::string& path) const { write_file_atomically(path, serialize_model(impl())); }

Model Model::load(const std::string& path) {
  init_runtime();
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const DataError& e) {
    throw ModelFileError(e.what());
  }
  return Model(deserialize_model(bytes, path));
}

}  // namespace hourglass
