#include <cmath>

#include "hourglass/error.hpp"
#include "hourglass/train/callbacks.hpp"
#include "train/callbacks/monitor.hpp"

namespace hourglass {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {
  Monitor(options_.monitor(), options_.mode(), name());  // checks the mode
  if (options_.patience() < 0) {
    throw InvalidArgument("EarlyStopping: patience must be >= 0 epochs, got " + std::to_string(options_.patience()));
  }
  if (!(options_.min_delta() >= 0.0) || !std::isfinite(options_.min_delta())) {
    throw InvalidArgument("EarlyStopping: min_delta must be a finite number >= 0, got " +
                          format_number(options_.min_delta()));
  }
}

void EarlyStopping::on_train_begin(Trainer&) {
  wait_ = best_epoch_ = stopped_epoch_ = 0;
  has_best_ = false;
  best_weights_.clear();
}

// Keras's rule: the wait grows every epoch and restarts on an improvement that also
// beats the baseline; after the first epoch, a wait of `patience` stops training.
void EarlyStopping::on_epoch_end(Trainer& trainer, EpochRecord& logs) {
  Monitor monitor(options_.monitor(), options_.mode(), name());
  const double current = monitor.value(logs);
  ++wait_;
  if (!has_best_ || monitor.improves(current, best_, options_.min_delta())) {
    best_ = current;
    best_epoch_ = logs.epoch;
    has_best_ = true;
    if (options_.restore_best_weights()) best_weights_ = trainer.weights();
    if (!options_.baseline() || monitor.improves(current, *options_.baseline(), options_.min_delta())) wait_ = 0;
  }
  if (wait_ >= options_.patience() && logs.epoch > 1) {
    stopped_epoch_ = logs.epoch;
    std::string reason = "early stopping: " + monitor.name() + " did not improve for " +
                         std::to_string(options_.patience()) + " epochs; ";
    if (options_.restore_best_weights() && !best_weights_.empty()) {
      trainer.set_weights(best_weights_);
      reason += "the weights of epoch " + std::to_string(best_epoch_) + " (" + monitor.name() + " " +
                format_number(best_) + ") were restored";
    } else {
      reason += "the last epoch's weights were kept (the best was epoch " + std::to_string(best_epoch_) + ", " +
                monitor.name() + " " + format_number(best_) + ")";
    }
    trainer.stop(reason);
  }
}

CallbackState EarlyStopping::state() const {
  CallbackState state;
  state.numbers = {{"wait", double(wait_)},
                   {"best", best_},
                   {"best_epoch", double(best_epoch_)},
                   {"stopped_epoch", double(stopped_epoch_)},
                   {"has_best", has_best_ ? 1.0 : 0.0}};
  state.tensors = best_weights_;
  return state;
}

void EarlyStopping::restore(const CallbackState& state) {
  wait_ = static_cast<int64_t>(state.number("wait"));
  best_ = state.number("best");
  best_epoch_ = static_cast<int64_t>(state.number("best_epoch"));
  stopped_epoch_ = static_cast<int64_t>(state.number("stopped_epoch"));
  has_best_ = state.number("has_best") != 0;
  best_weights_ = state.tensors;
}

}  // namespace hourglass
