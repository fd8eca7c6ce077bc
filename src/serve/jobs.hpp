// The web interface's trainings: a queue that one worker thread runs in order, so that
// trainings never compete for the cores. Each job records its epochs as the training
// callbacks report them; readers wait for news with wait_for_change(), which is how the
// server streams progress to the page.
//
//   TrainingQueue queue(workspace);
//   auto job = queue.submit(request);     // checked now, trained when its turn comes
//   queue.stop(job->id);                   // stops after the current batch; the model so far is saved
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hourglass/model/history.hpp"
#include "hourglass/network/layer.hpp"
#include "hourglass/train/options.hpp"
#include "hourglass/variants/autoencoder.hpp"
#include "serve/workspace.hpp"

namespace hourglass::serve {

/// What the page asks to train.
struct TrainingRequest {
  std::string dataset;
  std::string network = "8,2:tanh";
  std::string types = "basic";  ///< variants joined by commas
  /// The variants' parameters by option name ("sparsity_weight"; variant_kind.hpp).
  Arguments variant_options;
  std::string loss = "mse";
  std::string name;  ///< of the model file; empty: after the data set
  TrainOptions options;

  /// The learner it describes; InvalidArgument for an unknown layer, loss, variant or
  /// variant option, or a parameter out of range.
  Autoencoder learner() const;
};

struct Job {
  enum class State { queued, running, done, stopped, failed, cancelled };
  int64_t id = 0;
  std::string model_name;  ///< the file it writes in DIR/models
  TrainingRequest request;
  Autoencoder learner;
  // Guarded by the queue's mutex:
  State state = State::queued;
  std::string message;  ///< why it failed or stopped
  std::vector<EpochRecord> epochs;
  std::atomic<bool> stop_requested{false};

  bool finished() const { return state != State::queued && state != State::running; }
};

const char* state_name(Job::State state);

class TrainingQueue {
 public:
  /// At most `max_waiting` jobs wait at once; epochs per job at most `max_epochs`.
  TrainingQueue(Workspace& workspace, int64_t max_waiting, int64_t max_epochs);
  /// Stops the running job and drops the waiting ones.
  ~TrainingQueue();

  /// Checks the request (data set, network against the data's shape, variants, loss,
  /// options) and queues it. Throws InvalidArgument (or ParseError, DataError) naming what
  /// is wrong; nothing is queued then.
  std::shared_ptr<Job> submit(TrainingRequest request);
  /// A queued job is cancelled; a running one stops after its current batch and saves
  /// the model learned so far. False when there is no such job.
  bool stop(int64_t id);
  std::shared_ptr<Job> find(int64_t id) const;
  std::vector<std::shared_ptr<Job>> jobs() const;

  /// Runs `read` on the job under the queue's lock (the guarded fields are consistent).
  template <typename Fn>
  auto inspect(const Job& job, Fn&& read) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return read(job);
  }
  /// Waits until anything changes (or `seconds` pass, or the queue shuts down); `seen` is
  /// the change counter the caller saw last, updated. False once the queue shuts down.
  bool wait_for_change(uint64_t& seen, double seconds);

 private:
  void work();
  void train(const std::shared_ptr<Job>& job);
  void changed();  // with mutex_ held

  Workspace& workspace_;
  int64_t max_waiting_, max_epochs_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_, news_;
  std::deque<std::shared_ptr<Job>> waiting_;
  std::vector<std::shared_ptr<Job>> all_;
  int64_t next_id_ = 1;
  uint64_t changes_ = 0;
  bool shutting_down_ = false;
  std::thread worker_;
};

}  // namespace hourglass::serve
