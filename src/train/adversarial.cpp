#include "train/adversarial.hpp"

#include "train/fused_optimizers.hpp"
#include "train/optimizers.hpp"

namespace hourglass {
namespace {

std::unique_ptr<torch::optim::Optimizer> make_adam(const std::vector<at::Tensor>& parameters,
                                                   const safetensors::NamedTensors& saved, const char* what) {
  auto optimizer = std::make_unique<FusedAdam>(
      parameters, torch::optim::AdamOptions(kAdversarialLearningRate).betas({kAdversarialBeta1, 0.999}).eps(1e-7));
  // Stored as "adam" state: the same fields, whatever the betas.
  if (!saved.empty()) load_optimizer_state("adam", *optimizer, parameters, saved, what);
  return optimizer;
}

void clear_gradients(std::vector<at::Tensor>& parameters) {
  for (auto& p : parameters) p.mutable_grad().reset();
}

}  // namespace

AdversarialSteps::AdversarialSteps(Model::Impl& model, const TrainingState& saved)
    : model_(model),
      prior_(nn::Prior::parse(model.learner.adversarial->prior)),
      weight_(model.learner.adversarial->weight),
      loss_sum_(torch::zeros({}, torch::kDouble)),
      accuracy_sum_(torch::zeros({}, torch::kDouble)) {
  if (!model_.discriminator) {
    model_.discriminator = nn::Discriminator(model_.net->code_dim(), model_.learner.adversarial->discriminator);
  }
  model_.discriminator->train();
  discriminator_parameters_ = model_.discriminator->parameters();
  // The encoder's weights, which the generator step moves (the decoder's stay).
  for (const auto& item : model_.net->named_parameters()) {
    if (item.key().rfind("encoder.", 0) == 0) encoder_parameters_.push_back(item.value());
  }
  discriminator_optimizer_ =
      make_adam(discriminator_parameters_, saved.discriminator_optimizer_state, "the discriminator's optimizer state");
  generator_optimizer_ =
      make_adam(encoder_parameters_, saved.generator_optimizer_state, "the generator's optimizer state");
}

AdversarialSteps::~AdversarialSteps() = default;

void AdversarialSteps::step(const at::Tensor& batch) {
  auto& discriminator = model_.discriminator;
  // One forward pass of the encoder (after the reconstruction step moved it) serves both
  // steps: the discriminator's step changes only the discriminator.
  const auto codes = model_.net->encode(model_.coding.fill(batch));
  const auto prior_samples = prior_.sample(batch.size(0), codes.size(1));

  clear_gradients(discriminator_parameters_);
  const auto judged = nn::judge(discriminator->forward(prior_samples), discriminator->forward(codes.detach()));
  judged.loss.backward();
  discriminator_optimizer_->step();

  clear_gradients(encoder_parameters_);
  const auto fooled = weight_ * torch::softplus(-discriminator->forward(codes)).mean();  // BCE with label 1
  fooled.backward();
  generator_optimizer_->step();

  const auto rows = static_cast<double>(batch.size(0));
  loss_sum_ += judged.loss.detach() * rows;
  accuracy_sum_ += judged.accuracy * rows;
  rows_ += batch.size(0);
}

void AdversarialSteps::write_epoch(EpochRecord& record) {
  if (rows_ == 0) return;
  const auto rows = static_cast<double>(rows_);
  record.values.emplace_back("discriminator_loss", loss_sum_.item<double>() / rows);
  record.values.emplace_back("discriminator_accuracy", accuracy_sum_.item<double>() / rows);
  loss_sum_.zero_();
  accuracy_sum_.zero_();
  rows_ = 0;
}

void AdversarialSteps::save(TrainingState& state) const {
  state.discriminator_optimizer_state = optimizer_state("adam", *discriminator_optimizer_, discriminator_parameters_);
  state.generator_optimizer_state = optimizer_state("adam", *generator_optimizer_, encoder_parameters_);
}

}  // namespace hourglass
