#include "train/optimizers.hpp"

#include "hourglass/error.hpp"
#include "hourglass/train/adamax.hpp"
#include "model/training_state.hpp"  // check_optimizer_name
#include "train/adadelta.hpp"
#include "train/fused_optimizers.hpp"

namespace hourglass {
namespace {

namespace optim = torch::optim;
using Fields = OptimizerKind::Fields;

torch::Tensor step_tensor(int64_t step) { return torch::tensor(step, torch::kLong); }

const torch::Tensor& field(const Fields& fields, const char* name) {
  const auto found = fields.find(name);
  if (found == fields.end()) throw ModelFileError(std::string("the optimizer state lacks its '") + name + "'");
  return found->second;
}

// An optional tensor field: undefined when absent.
torch::Tensor optional_field(const Fields& fields, const char* name) {
  const auto found = fields.find(name);
  return found == fields.end() ? torch::Tensor() : found->second;
}

int64_t step_of(const Fields& fields) {
  const auto& step = field(fields, "step");
  if (step.numel() != 1 || step.scalar_type() != torch::kLong || step.item<int64_t>() < 0) {
    throw ModelFileError("the optimizer state's step is not a count");
  }
  return step.item<int64_t>();
}

void put(Fields& fields, const char* name, const torch::Tensor& tensor) {
  if (tensor.defined()) fields[name] = tensor;
}

// SGD, with the momentum the options give.
OptimizerKind sgd_kind() {
  return {0.01,
          [](std::vector<torch::Tensor> p, double lr, double momentum) -> std::unique_ptr<optim::Optimizer> {
            return std::make_unique<optim::SGD>(p, optim::SGDOptions(lr).momentum(momentum));
          },
          [](const optim::OptimizerParamState& s) {
            Fields f;
            put(f, "momentum_buffer", static_cast<const optim::SGDParamState&>(s).momentum_buffer());
            return f;
          },
          [](const Fields& f) {
            auto s = std::make_unique<optim::SGDParamState>();
            s->momentum_buffer(field(f, "momentum_buffer"));
            return s;
          }};
}

// RMSprop (fused), with Keras's rho 0.9 and eps 1e-7.
OptimizerKind rmsprop_kind() {
  return {0.001,
          [](std::vector<torch::Tensor> p, double lr, double) -> std::unique_ptr<optim::Optimizer> {
            return std::make_unique<FusedRMSprop>(p, optim::RMSpropOptions(lr).alpha(0.9).eps(1e-7));
          },
          [](const optim::OptimizerParamState& state) {
            const auto& s = static_cast<const optim::RMSpropParamState&>(state);
            Fields f{{"step", step_tensor(s.step())}};
            put(f, "square_avg", s.square_avg());
            put(f, "momentum_buffer", s.momentum_buffer());
            put(f, "grad_avg", s.grad_avg());
            return f;
          },
          [](const Fields& f) {
            auto s = std::make_unique<optim::RMSpropParamState>();
            s->step(step_of(f)).square_avg(field(f, "square_avg"));
            s->momentum_buffer(optional_field(f, "momentum_buffer")).grad_avg(optional_field(f, "grad_avg"));
            return s;
          }};
}

// Adam (fused), with Keras's eps 1e-7.
OptimizerKind adam_kind() {
  return {0.001,
          [](std::vector<torch::Tensor> p, double lr, double) -> std::unique_ptr<optim::Optimizer> {
            return std::make_unique<FusedAdam>(p, optim::AdamOptions(lr).eps(1e-7));
          },
          [](const optim::OptimizerParamState& state) {
            const auto& s = static_cast<const optim::AdamParamState&>(state);
            Fields f{{"step", step_tensor(s.step())}};
            put(f, "exp_avg", s.exp_avg());
            put(f, "exp_avg_sq", s.exp_avg_sq());
            put(f, "max_exp_avg_sq", s.max_exp_avg_sq());
            return f;
          },
          [](const Fields& f) {
            auto s = std::make_unique<optim::AdamParamState>();
            s->step(step_of(f)).exp_avg(field(f, "exp_avg")).exp_avg_sq(field(f, "exp_avg_sq"));
            s->max_exp_avg_sq(optional_field(f, "max_exp_avg_sq"));
            return s;
          }};
}

// Adamax.
OptimizerKind adamax_kind() {
  return {0.001,
          [](std::vector<torch::Tensor> p, double lr, double) -> std::unique_ptr<optim::Optimizer> {
            return std::make_unique<Adamax>(p, AdamaxOptions(lr));
          },
          [](const optim::OptimizerParamState& state) {
            const auto& s = static_cast<const AdamaxParamState&>(state);
            Fields f{{"step", step_tensor(s.step())}};
            put(f, "exp_avg", s.exp_avg());
            put(f, "exp_inf", s.exp_inf());
            return f;
          },
          [](const Fields& f) {
            auto s = std::make_unique<AdamaxParamState>();
            s->step(step_of(f)).exp_avg(field(f, "exp_avg")).exp_inf(field(f, "exp_inf"));
            return s;
          }};
}

// Adagrad, with Keras's initial accumulator 0.1 and eps 1e-7.
OptimizerKind adagrad_kind() {
  return {0.001,
          [](std::vector<torch::Tensor> p, double lr, double) -> std::unique_ptr<optim::Optimizer> {
            return std::make_unique<optim::Adagrad>(p,
                                                    optim::AdagradOptions(lr).initial_accumulator_value(0.1).eps(1e-7));
          },
          [](const optim::OptimizerParamState& state) {
            const auto& s = static_cast<const optim::AdagradParamState&>(state);
            Fields f{{"step", step_tensor(s.step())}};
            put(f, "sum", s.sum());
            return f;
          },
          [](const Fields& f) {
            auto s = std::make_unique<optim::AdagradParamState>();
            s->step(step_of(f)).sum(field(f, "sum"));
            return s;
          }};
}

// Adadelta, with Keras's rho 0.95 and eps 1e-7.
OptimizerKind adadelta_kind() {
  return {0.001,
          [](std::vector<torch::Tensor> p, double lr, double) -> std::unique_ptr<optim::Optimizer> {
            return std::make_unique<Adadelta>(p, AdadeltaOptions(lr));
          },
          [](const optim::OptimizerParamState& state) {
            const auto& s = static_cast<const AdadeltaParamState&>(state);
            Fields f{{"step", step_tensor(s.step())}};
            put(f, "square_avg", s.square_avg());
            put(f, "acc_delta", s.acc_delta());
            return f;
          },
          [](const Fields& f) {
            auto s = std::make_unique<AdadeltaParamState>();
            s->step(step_of(f)).square_avg(field(f, "square_avg")).acc_delta(field(f, "acc_delta"));
            return s;
          }};
}

// The built-in optimizers, with Keras's constants where they differ from PyTorch's.
Registry<OptimizerKind> builtin_optimizers() {
  Registry<OptimizerKind> r("optimizer");
  r.add("sgd", sgd_kind());
  r.add("rmsprop", rmsprop_kind());
  r.add("adam", adam_kind());
  r.add("adamax", adamax_kind());
  r.add("adagrad", adagrad_kind());
  r.add("adadelta", adadelta_kind());
  return r;
}

std::string key_of(const torch::Tensor& parameter) { return c10::guts::to_string(parameter.unsafeGetTensorImpl()); }

}  // namespace

const Registry<OptimizerKind>& optimizer_kinds() {
  static const Registry<OptimizerKind> registry = builtin_optimizers();
  return registry;
}

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = optimizer_kinds().names();
  return names;
}

double default_learning_rate(const std::string& optimizer) {
  return optimizer_kinds().at(optimizer).default_learning_rate;
}

void check_optimizer_name(const std::string& name) { optimizer_kinds().at(name); }

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::string& name, std::vector<torch::Tensor> parameters,
                                                        double learning_rate, double momentum) {
  const auto& kind = optimizer_kinds().at(name);
  return kind.make(std::move(parameters), learning_rate > 0 ? learning_rate : kind.default_learning_rate, momentum);
}

safetensors::NamedTensors optimizer_state(const std::string& name, const torch::optim::Optimizer& optimizer,
                                          const std::vector<torch::Tensor>& parameters) {
  const auto& kind = optimizer_kinds().at(name);
  safetensors::NamedTensors out;
  for (size_t i = 0; i < parameters.size(); ++i) {
    const auto found = optimizer.state().find(key_of(parameters[i]));
    if (found == optimizer.state().end()) continue;
    for (auto& [field_name, tensor] : kind.save(*found->second)) {
      out.emplace_back(std::to_string(i) + "." + field_name, tensor);
    }
  }
  return out;
}

void load_optimizer_state(const std::string& name, torch::optim::Optimizer& optimizer,
                          const std::vector<torch::Tensor>& parameters, const safetensors::NamedTensors& state,
                          const std::string& source) {
  const auto& kind = optimizer_kinds().at(name);
  std::vector<Fields> per_parameter(parameters.size());
  for (const auto& [key, tensor] : state) {
    const auto dot = key.find('.');
    size_t index = parameters.size();
    try {
      index = dot == std::string::npos ? parameters.size() : std::stoul(key.substr(0, dot));
    } catch (const std::exception&) {
    }
    if (index >= parameters.size()) {
      throw ModelFileError("'" + source + "': optimizer state '" + key + "' names no parameter of the network");
    }
    const std::string field_name = key.substr(dot + 1);
    const auto& parameter = parameters[index];
    if (field_name != "step" &&
        (tensor.sizes() != parameter.sizes() || tensor.scalar_type() != parameter.scalar_type())) {
      throw ModelFileError("'" + source + "': optimizer state '" + key + "' has shape " + c10::str(tensor.sizes()) +
                           " but its parameter has " + c10::str(parameter.sizes()));
    }
    per_parameter[index][field_name] = tensor.clone();
  }
  optimizer.state().clear();
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (per_parameter[i].empty()) continue;
    try {
      optimizer.state()[key_of(parameters[i])] = kind.load(per_parameter[i]);
    } catch (const ModelFileError& e) {
      throw ModelFileError("'" + source + "': " + e.what() + " for parameter " + std::to_string(i) +
                           "; it was written for another optimizer than " + name);
    }
  }
}

double learning_rate_of(const torch::optim::Optimizer& optimizer) {
  return optimizer.param_groups().front().options().get_lr();
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double learning_rate) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(learning_rate);
}

}  // namespace hourglass
