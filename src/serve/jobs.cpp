#include "serve/jobs.hpp"

#include <chrono>

#include "hourglass/error.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/train/callbacks.hpp"
#include "hourglass/train/option_specs.hpp"
#include "hourglass/train/train.hpp"
#include "hourglass/variants/variant_kind.hpp"

namespace hourglass::serve {

Autoencoder TrainingRequest::learner() const {
  // Messages name the fields of the request's JSON: "types", "sparsity_weight".
  return make_variants(autoencoder(parse_network(network), loss), types, variant_options, {"types"});
}

const char* state_name(Job::State state) {
  switch (state) {
    case Job::State::queued:
      return "queued";
    case Job::State::running:
      return "running";
    case Job::State::done:
      return "done";
    case Job::State::stopped:
      return "stopped";
    case Job::State::failed:
      return "failed";
    case Job::State::cancelled:
      return "cancelled";
  }
  return "unknown";
}

TrainingQueue::TrainingQueue(Workspace& workspace, int64_t max_waiting, int64_t max_epochs)
    : workspace_(workspace), max_waiting_(max_waiting), max_epochs_(max_epochs), worker_([this] { work(); }) {}

TrainingQueue::~TrainingQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shutting_down_ = true;
    for (const auto& job : all_) job->stop_requested = true;
    changed();
  }
  work_ready_.notify_all();
  worker_.join();
}

void TrainingQueue::changed() {
  ++changes_;
  news_.notify_all();
}

std::shared_ptr<Job> TrainingQueue::submit(TrainingRequest request) {
  const TrainOptions& o = request.options;
  if (o.epochs() < 1 || o.epochs() > max_epochs_) {
    throw InvalidArgument("epochs must be from 1 to " + std::to_string(max_epochs_) + ", got " +
                          std::to_string(o.epochs()));
  }
  check_train_options(o);
  const DatasetInfo data = workspace_.dataset_info(request.dataset);
  Autoencoder learner = request.learner();
  learner.network.output_shapes(data.shape);  // a network that does not fit the data says so now

  auto job = std::make_shared<Job>();
  job->request = std::move(request);
  job->learner = std::move(learner);
  job->request.options.verbose(false).validation_data({});
  std::string stem = job->request.name.empty() ? data.name.substr(0, data.name.rfind('.')) : job->request.name;
  job->model_name = workspace_.new_model_name(stem);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (static_cast<int64_t>(waiting_.size()) >= max_waiting_) {
      throw InvalidArgument(std::to_string(waiting_.size()) + " trainings are waiting already; stop one or wait");
    }
    job->id = next_id_++;
    waiting_.push_back(job);
    all_.push_back(job);
    changed();
  }
  work_ready_.notify_one();
  return job;
}

bool TrainingQueue::stop(int64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if ((*it)->id != id) continue;
    (*it)->state = Job::State::cancelled;
    (*it)->message = "cancelled before it started";
    waiting_.erase(it);
    changed();
    return true;
  }
  for (const auto& job : all_) {
    if (job->id == id) {
      job->stop_requested = true;
      return true;
    }
  }
  return false;
}

std::shared_ptr<Job> TrainingQueue::find(int64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& job : all_) {
    if (job->id == id) return job;
  }
  return nullptr;
}

std::vector<std::shared_ptr<Job>> TrainingQueue::jobs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return all_;
}

bool TrainingQueue::wait_for_change(uint64_t& seen, double seconds) {
  std::unique_lock<std::mutex> lock(mutex_);
  news_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return changes_ != seen || shutting_down_; });
  seen = changes_;
  return !shutting_down_;
}

void TrainingQueue::work() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_ready_.wait(lock, [&] { return shutting_down_ || !waiting_.empty(); });
      if (shutting_down_) return;
      job = waiting_.front();
      waiting_.pop_front();
      job->state = Job::State::running;
      changed();
    }
    train(job);
  }
}

void TrainingQueue::train(const std::shared_ptr<Job>& job) {
  Job::State state = Job::State::failed;
  std::string message;
  try {
    const Dataset data = workspace_.read_dataset(job->request.dataset);
    // Progress goes to the page through the job; the Stop button ends the epoch's batches.
    LambdaCallback progress;
    progress.batch_end = [job](Trainer& trainer, const BatchLogs&) {
      if (job->stop_requested && !trainer.stopping()) trainer.stop("stopped from the web interface");
    };
    progress.epoch_end = [this, job](Trainer&, EpochRecord& logs) {
      std::lock_guard<std::mutex> lock(mutex_);
      job->epochs.push_back(logs);
      changed();
    };
    // The data set itself, not its samples: a table keeps its categories and column names.
    const Model model = hourglass::train(job->learner, data, job->request.options, {progress});
    model.save(workspace_.model_destination(job->model_name));
    state = model.history().stop_reason.empty() ? Job::State::done : Job::State::stopped;
    message = model.history().stop_reason;
  } catch (const Error& e) {
    message = e.what();
  } catch (const std::exception& e) {
    message = std::string("internal error: ") + e.what();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  job->state = state;
  job->message = message;
  changed();
}

}  // namespace hourglass::serve
