#include <cmath>

#include "hourglass/error.hpp"
#include "hourglass/train/callbacks.hpp"

namespace hourglass {
namespace {

const char* const kAdvice =
    "; lower the learning rate, scale the data (zscore or minmax) or clip the gradient (--clip-grad-norm)";

std::string where(int64_t epoch, int64_t batch) {
  return " at epoch " + std::to_string(epoch) + ", batch " + std::to_string(batch);
}

double sum_of(const std::vector<at::Tensor>& tensors, bool gradients) {
  auto sum = torch::zeros({}, torch::kDouble);
  for (const auto& t : tensors) {
    const auto& values = gradients ? t.grad() : t;
    if (values.defined()) sum += values.detach().sum(at::kDouble);
  }
  return sum.item<double>();
}

}  // namespace

// A NaN or Inf anywhere makes the sum non-finite: one read of each gradient, one value back.
void TerminateOnNaN::on_backward_end(Trainer& trainer, const BatchLogs& logs) {
  const double loss = logs.loss.item<double>();
  if (!std::isfinite(loss)) {
    throw TrainingError("the training loss became " + format_number(loss) + where(logs.epoch, logs.batch) + kAdvice);
  }
  if (!std::isfinite(sum_of(trainer.parameters(), /*gradients=*/true))) {
    throw TrainingError("the gradient holds NaN or Inf" + where(logs.epoch, logs.batch) + kAdvice);
  }
}

// A finite gradient can still overflow a weight (a huge learning rate). Checked once per
// epoch, which costs nothing next to the epoch; such weights are never saved.
void TerminateOnNaN::on_epoch_end(Trainer& trainer, EpochRecord& logs) {
  if (!std::isfinite(sum_of(trainer.parameters(), /*gradients=*/false))) {
    throw TrainingError("a step made the weights NaN or Inf during epoch " + std::to_string(logs.epoch) +
                        " (learning rate " + format_number(trainer.learning_rate()) + ")" + kAdvice);
  }
}

}  // namespace hourglass
