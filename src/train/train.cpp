#include "hourglass/train/train.hpp"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <random>
#include <string>

#include "hourglass/error.hpp"
#include "hourglass/train/distributed.hpp"
#include "hourglass/train/option_specs.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
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

// One network per seed, seed + 1, ...; the model keeps the first's history and the others
// as members. Every callback sees each network's training in turn (an early stop is one
// network's); an interruption (Ctrl-C, request_stop) ends the ensemble with the networks
// trained so far.
template <typename TrainOne>
Model train_ensemble(const TrainOptions& options, const Callbacks& callbacks, TrainOne&& train_one) {
  check_train_option(options, "ensemble");
  if (options.ensemble() == 1) return train_one(options, callbacks);
  for (const auto& callback : callbacks) {
    if (dynamic_cast<const ModelCheckpoint*>(callback.get().get())) {
      throw InvalidArgument("ensemble: a checkpoint holds one network and an ensemble of " +
                            std::to_string(options.ensemble()) +
                            " trains in full at once; drop the checkpoint or train one network");
    }
  }
  const uint64_t seed = options.seed() ? *options.seed() : std::random_device{}();
  const auto interrupted = [](const Model& model) { return model.history().stop_reason.rfind("interrupted", 0) == 0; };
  // Each network's progress under a line that says which it is; the summary once.
  const bool prints = options.verbose() && (!options.process_group() || options.process_group()->rank() == 0);
  const auto announce = [&](int64_t k) {
    if (prints)
      std::cerr << "Network " << k + 1 << " of " << options.ensemble() << " (seed " << seed + static_cast<uint64_t>(k)
                << ")\n";
  };
  announce(0);
  const Model first = train_one(TrainOptions(options).seed(seed), callbacks);
  auto ensemble = std::make_shared<Model::Impl>(ModelAccess::impl(first));
  Callbacks with_progress = callbacks;
  const bool has_bar =
      std::any_of(callbacks.begin(), callbacks.end(), [](const CallbackRef& c) { return c->name() == "ProgressBar"; });
  if (prints && !has_bar) with_progress.emplace_back(ProgressBar(ProgressBarOptions().summary(false)));
  for (int64_t k = 1; k < options.ensemble() && !interrupted(first); ++k) {
    const uint64_t member_seed = seed + static_cast<uint64_t>(k);
    announce(k);
    const Model member = train_one(TrainOptions(options).seed(member_seed).verbose(false), with_progress);
    ensemble->members.push_back(ModelAccess::impl(member).net);
    if (interrupted(member)) {
      ensemble->history.stop_reason = member.history().stop_reason;
      break;
    }
  }
  // The optimizer's state fits the first network alone.
  ensemble->training = TrainingState{};
  return Model(ensemble);
}

void refuse_ensemble(const Model& model, const TrainOptions& options, const char* what) {
  check_train_option(options, "ensemble");
  if (options.ensemble() > 1 || !ModelAccess::impl(model).members.empty()) {
    throw InvalidArgument(std::string(what) + ": an ensemble trains in full at once; train a new one (ensemble " +
                          std::to_string(std::max<int64_t>(options.ensemble(), model.ensemble_size())) +
                          ") instead of training more");
  }
}

}  // namespace

bool stop_was_requested() { return stop_requested; }
void reset_stop_request() { stop_requested = false; }
void request_stop() { stop_requested = true; }

Model train(const Autoencoder& learner, const at::Tensor& data, const TrainOptions& options,
            const Callbacks& callbacks) {
  return train_ensemble(options, callbacks, [&](const TrainOptions& one, const Callbacks& with) {
    TrainingSession session(learner, data, one, with);
    return run(session);
  });
}

Model train(const Autoencoder& learner, const Dataset& data, const TrainOptions& options, const Callbacks& callbacks) {
  // An image's or sequence's "columns" are only its numbered values.
  const bool table = data.sample_shape.empty();
  Model model = train_ensemble(options, callbacks, [&](const TrainOptions& one, const Callbacks& with) {
    TrainingSession session(learner, data.samples(), one, with, data.levels,
                            table ? data.columns : std::vector<std::string>{});
    return run(session);
  });
  if (table) ModelAccess::impl(model).label_name = data.label_name;
  return model;
}

Model train(const Model& model, const at::Tensor& data, const TrainOptions& options, const Callbacks& callbacks) {
  refuse_ensemble(model, options, "train");
  TrainingSession session(model, TrainingSession::Start::continued, data, options, callbacks);
  return run(session);
}

Model resume(const Model& checkpoint, const at::Tensor& data, const TrainOptions& options, const Callbacks& callbacks) {
  refuse_ensemble(checkpoint, options, "resume");
  TrainingSession session(checkpoint, TrainingSession::Start::resumed, data, options, callbacks);
  return run(session);
}

}  // namespace hourglass
