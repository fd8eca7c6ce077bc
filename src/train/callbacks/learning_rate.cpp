// The callbacks that change the learning rate: ReduceLROnPlateau and LearningRateScheduler.
#include <cmath>

#include "hourglass/error.hpp"
#include "hourglass/train/callbacks.hpp"
#include "train/callbacks/monitor.hpp"

namespace hourglass {
namespace {

// Both log the rate the epoch used, once.
void log_learning_rate(const Trainer& trainer, EpochRecord& logs) {
  if (!logs.has("lr")) logs.values.emplace_back("lr", trainer.learning_rate());
}

}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options) : options_(std::move(options)) {
  Monitor(options_.monitor(), options_.mode(), name());  // checks the mode
  const auto& o = options_;
  if (!(o.factor() > 0 && o.factor() < 1)) {
    throw InvalidArgument("ReduceLROnPlateau: factor must be in (0, 1), got " + format_number(o.factor()));
  }
  if (o.patience() < 0 || o.cooldown() < 0) {
    throw InvalidArgument("ReduceLROnPlateau: patience and cooldown must be >= 0 epochs, got " +
                          std::to_string(o.patience()) + " and " + std::to_string(o.cooldown()));
  }
  if (!(o.min_lr() >= 0) || !std::isfinite(o.min_lr()) || !(o.min_delta() >= 0) || !std::isfinite(o.min_delta())) {
    throw InvalidArgument("ReduceLROnPlateau: min_lr and min_delta must be finite numbers >= 0, got " +
                          format_number(o.min_lr()) + " and " + format_number(o.min_delta()));
  }
}

void ReduceLROnPlateau::on_train_begin(Trainer&) {
  wait_ = cooldown_left_ = 0;
  has_best_ = false;
}

// Keras's rule, cooldown included.
void ReduceLROnPlateau::on_epoch_end(Trainer& trainer, EpochRecord& logs) {
  log_learning_rate(trainer, logs);
  Monitor monitor(options_.monitor(), options_.mode(), name());
  const double current = monitor.value(logs);
  if (cooldown_left_ > 0) {
    --cooldown_left_;
    wait_ = 0;
  }
  if (!has_best_ || monitor.improves(current, best_, options_.min_delta())) {
    best_ = current;
    has_best_ = true;
    wait_ = 0;
  } else if (cooldown_left_ == 0 && ++wait_ >= options_.patience()) {
    const double rate = trainer.learning_rate();
    if (rate > options_.min_lr()) {
      trainer.set_learning_rate(std::max(rate * options_.factor(), options_.min_lr()));
      cooldown_left_ = options_.cooldown();
      wait_ = 0;
    }
  }
}

CallbackState ReduceLROnPlateau::state() const {
  CallbackState state;
  state.numbers = {{"wait", double(wait_)}, {"cooldown_left", double(cooldown_left_)}};
  if (has_best_) state.numbers["best"] = best_;
  return state;
}

void ReduceLROnPlateau::restore(const CallbackState& state) {
  wait_ = static_cast<int64_t>(state.number("wait"));
  cooldown_left_ = static_cast<int64_t>(state.number("cooldown_left"));
  has_best_ = state.numbers.count("best") > 0;
  best_ = state.number("best");
}

LearningRateScheduler::LearningRateScheduler(Schedule schedule) : schedule_(std::move(schedule)) {
  if (!schedule_) throw InvalidArgument("LearningRateScheduler: give a schedule, a function (epoch, rate) -> rate");
}

void LearningRateScheduler::on_epoch_begin(Trainer& trainer, int64_t epoch) {
  const double rate = schedule_(epoch, trainer.learning_rate());
  if (!(rate > 0) || !std::isfinite(rate)) {
    throw InvalidArgument("LearningRateScheduler: the schedule gave a learning rate of " + format_number(rate) +
                          " for epoch " + std::to_string(epoch) + "; it must be a positive number");
  }
  trainer.set_learning_rate(rate);
}

void LearningRateScheduler::on_epoch_end(Trainer& trainer, EpochRecord& logs) { log_learning_rate(trainer, logs); }

}  // namespace hourglass
