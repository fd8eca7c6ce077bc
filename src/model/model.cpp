#include "hourglass/model/model.hpp"

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/runtime.hpp"
#include "model/model_impl.hpp"
#include "model/serialization.hpp"

namespace hourglass {
namespace {

// Rows pushed through the network at once in inference: bounds memory on big data.
constexpr int64_t kInferenceChunk = 8192;

at::Tensor checked_input(const at::Tensor& data, int64_t expected_cols, const char* what) {
  if (!data.defined() || data.dim() != 2) {
    throw InvalidArgument(std::string(what) + ": expected a 2-D tensor of rows x " +
                          std::to_string(expected_cols) + " columns, got " +
                          (data.defined() ? std::to_string(data.dim()) + "-D" : "no data"));
  }
  if (data.size(1) != expected_cols) {
    throw InvalidArgument(std::string(what) + ": the model expects " + std::to_string(expected_cols) +
                          " columns but the data has " + std::to_string(data.size(1)) +
                          "; use data with the same columns as the training data");
  }
  auto values = data.to(torch::kFloat).contiguous();
  check_finite(values, what);
  return values;
}

template <typename Fn>
at::Tensor in_chunks(const at::Tensor& input, Fn&& fn) {
  torch::NoGradGuard no_grad;
  if (input.size(0) <= kInferenceChunk) return fn(input);
  std::vector<at::Tensor> parts;
  for (int64_t start = 0; start < input.size(0); start += kInferenceChunk) {
    parts.push_back(fn(input.narrow(0, start, std::min(kInferenceChunk, input.size(0) - start))));
  }
  return torch::cat(parts);
}

}  // namespace

Model::Model(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) { impl_->net->eval(); }

Model::Impl& Model::impl() const {
  if (!impl_) throw InvalidArgument("this model has no weights yet: train() a learner or Model::load() a file first");
  return *impl_;
}

const Autoencoder& Model::learner() const { return impl().learner; }
const Scaler& Model::scaler() const { return impl().scaler; }
const History& Model::history() const { return impl().history; }
int64_t Model::input_dim() const { return impl().net->input_dim(); }
int64_t Model::code_dim() const { return impl().net->code_dim(); }
uint64_t Model::seed() const { return impl().seed; }
std::string Model::summary() const { return network().summary(input_dim()); }

at::Tensor Model::encode(const at::Tensor& data) const {
  init_runtime();
  auto x = checked_input(data, input_dim(), "encode");
  return in_chunks(x, [&](const at::Tensor& chunk) {
    return impl().net->encode(impl().scaler.transform(chunk));
  });
}

at::Tensor Model::decode(const at::Tensor& codes) const {
  init_runtime();
  auto z = checked_input(codes, code_dim(), "decode");
  return in_chunks(z, [&](const at::Tensor& chunk) {
    return impl().scaler.inverse_transform(impl().net->decode(chunk));
  });
}

namespace {

at::Tensor reconstruct_checked(Model::Impl& impl, const at::Tensor& x) {
  return in_chunks(x, [&](const at::Tensor& chunk) {
    return impl.scaler.inverse_transform(impl.net->forward(impl.scaler.transform(chunk)));
  });
}

}  // namespace

at::Tensor Model::reconstruct(const at::Tensor& data) const {
  init_runtime();
  return reconstruct_checked(impl(), checked_input(data, input_dim(), "reconstruct"));
}

std::map<std::string, double> Model::evaluate(const at::Tensor& data,
                                              const std::vector<std::string>& metrics) const {
  std::vector<LossFunction> functions;
  for (const auto& name : metrics) functions.push_back(metric_function(name));
  init_runtime();
  const auto target = checked_input(data, input_dim(), "evaluate");
  const auto prediction = reconstruct_checked(impl(), target);
  std::map<std::string, double> values;
  for (size_t i = 0; i < metrics.size(); ++i) {
    values[metrics[i]] = functions[i](prediction, target).item<double>();
  }
  return values;
}

void Model::save(const std::string& path) const {
  write_file_atomically(path, serialize_model(impl()));
}

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
