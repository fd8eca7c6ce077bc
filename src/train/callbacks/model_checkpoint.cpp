#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/train/callbacks.hpp"
#include "train/callbacks/monitor.hpp"

namespace hourglass {

ModelCheckpoint::ModelCheckpoint(std::string path, ModelCheckpointOptions options)
    : path_(std::move(path)), options_(std::move(options)) {
  Monitor(options_.monitor(), options_.mode(), name());  // checks the mode
  if (path_.empty()) throw InvalidArgument("ModelCheckpoint: give the file to write, e.g. run.hgm");
  if (options_.every() < 1) {
    throw InvalidArgument("ModelCheckpoint: every must be at least 1 epoch, got " + std::to_string(options_.every()));
  }
}

void ModelCheckpoint::on_train_begin(Trainer&) {
  check_writable(path_);  // fail before training, not after the first epoch
}

void ModelCheckpoint::on_epoch_end(Trainer& trainer, EpochRecord& logs) {
  if (options_.save_best_only()) {
    Monitor monitor(options_.monitor(), options_.mode(), name());
    const double current = monitor.value(logs);
    if (!has_best_ || monitor.improves(current, best_)) {
      best_ = current;
      has_best_ = true;
      trainer.checkpoint(path_);
    }
  } else if (logs.epoch % options_.every() == 0) {
    trainer.checkpoint(path_);
  }
}

// The end state (stopped, interrupted, or the last good weights of a failed run).
void ModelCheckpoint::on_train_end(Trainer& trainer, const TrainEnd&) {
  if (!options_.save_best_only() && !trainer.history().epochs.empty()) trainer.checkpoint(path_);
}

CallbackState ModelCheckpoint::state() const {
  if (!has_best_) return {};
  CallbackState state;
  state.numbers = {{"best", best_}};
  return state;
}

void ModelCheckpoint::restore(const CallbackState& state) {
  has_best_ = state.numbers.count("best") > 0;
  best_ = state.number("best");
}

}  // namespace hourglass
