#include "hourglass/train/train.hpp"

#include <atomic>

#include "hourglass/error.hpp"
#include "train/session.hpp"
#include "train/stop.hpp"

namespace hourglass {
namespace {

// Set by request_stop(), possibly from a signal handler: lock-free and nothing else.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "request_stop() must be async-signal-safe");

// The loop: epochs of batches, each step seen by the callbacks, until the last epoch or
// a stop. A TrainingError still runs on_train_end (checkpoints keep the last good
// weights) before it leaves.
Model run(TrainingSession& session) {
  try {
    session.begin();
    for (int64_t epoch = session.first_epoch(); epoch <= session.final_epoch() && !session.stopping(); ++epoch) {
      session.begin_epoch(epoch);
      for (auto batch = session.next_batch(); batch.defined(); batch = session.next_batch()) session.step(batch);
      session.end_epoch();
    }
  } catch (const TrainingError&) {
    session.end(/*failed=*/true);
    throw;
  }
  return session.end(/*failed=*/false);
}

}  // namespace

bool stop_was_requested() { return stop_requested; }
void reset_stop_request() { stop_requested = false; }
void request_stop() { stop_requested = true; }

Model train(const Autoencoder& learner, const at::Tensor& data, const TrainOptions& options,
            const Callbacks& callbacks) {
  TrainingSession session(learner, data, options, callbacks);
  return run(session);
}

Model train(const Autoencoder& learner, const Dataset& data, const TrainOptions& options, const Callbacks& callbacks) {
  // An image's or sequence's "columns" are only its numbered values.
  const bool table = data.sample_shape.empty();
  TrainingSession session(learner, data.samples(), options, callbacks, data.levels,
                          table ? data.columns : std::vector<std::string>{});
  return run(session);
}

Model train(const Model& model, const at::Tensor& data, const TrainOptions& options, const Callbacks& callbacks) {
  TrainingSession session(model, TrainingSession::Start::continued, data, options, callbacks);
  return run(session);
}

Model resume(const Model& checkpoint, const at::Tensor& data, const TrainOptions& options, const Callbacks& callbacks) {
  TrainingSession session(checkpoint, TrainingSession::Start::resumed, data, options, callbacks);
  return run(session);
}

}  // namespace hourglass
