// What a training session does differently on many processes (docs/distributed.md):
// which rows of the epoch's global order this rank trains on, the weights copied from
// rank 0 at the start, the gradients averaged while each backward pass runs, and the
// epoch's sums added up, so that every rank takes the same steps and makes the same
// decisions.
//
//   DataParallel parallel(options.process_group());
//   parallel.check_same_setup("150 rows x 4 values, batch 32, ...");
//   parallel.broadcast_from_rank0(weights);
//   parallel.watch_gradients(parameters);
//   const auto mine = rows_of_rank(parallel.epoch_order(rows, seed, epoch), 64, 32, parallel.rank());
//   ... forward on this rank's 32 rows ...
//   parallel.begin_step(loss, 32, stop_was_requested());
//   loss.backward();                              // buckets start their allreduce as they fill
//   const auto step = parallel.finish_step();     // every rank's mean gradient
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hourglass/train/callbacks.hpp"
#include "hourglass/train/distributed.hpp"

namespace hourglass {

class DataParallel {
 public:
  explicit DataParallel(std::shared_ptr<ProcessGroup> group);
  ~DataParallel();  // removes the gradient hooks: the parameters outlive the training

  int rank() const { return group_->rank(); }
  int world_size() const { return group_->world_size(); }
  bool is_main() const { return group_->is_main(); }

  /// Rank 0's `seed`, on every rank.
  uint64_t seed_of_rank0(uint64_t seed);
  /// Refuses (InvalidArgument) to train when another rank describes its training
  /// differently: other data, options or model. Each rank compares with every other.
  void check_same_setup(const std::string& description);
  /// Copies rank 0's values of `tensors` (parameters and buffers) to every rank.
  void broadcast_from_rank0(const std::vector<at::Tensor>& tensors);

  /// The epoch's order of all rows: the same on every rank, drawn from the seed and the
  /// epoch alone (no rank's random stream is consumed).
  at::Tensor epoch_order(int64_t rows, uint64_t seed, int64_t epoch) const;
  /// Gives each rank but 0 a random stream of its own for the epoch (noise, dropout):
  /// rank 0 keeps the stream that checkpoints hold.
  void seed_rank_stream(uint64_t seed, int64_t epoch) const;

  /// Averages the gradients of `parameters` (those that require them) in every later
  /// step. They travel in flat buckets, in the reverse order of `parameters` (the order
  /// backward reaches them): the first of at most 1 MB, so that its allreduce starts
  /// early in the backward pass, the others of at most 25 MB (DDP's sizes). A bucket's
  /// allreduce starts as soon as its last gradient is written (a hook on each
  /// parameter's gradient accumulator, as DDP's Reducer does), and buckets start in the
  /// same order on every rank, as Gloo needs.
  void watch_gradients(const std::vector<at::Tensor>& parameters);

  struct Step {
    at::Tensor loss;                  ///< the mean loss over every rank's rows, 0-dim
    int64_t rows = 0;                 ///< rows over all ranks
    bool stop = false;                ///< some rank was asked to stop
    int buckets = 0;                  ///< buckets allreduced
    int started_during_backward = 0;  ///< of them, those whose allreduce overlapped the backward pass
  };
  /// Before this rank's backward pass over its `rows` rows (0: none, and no backward
  /// pass; `loss` undefined).
  void begin_step(const at::Tensor& loss, int64_t rows, bool stop_requested);
  /// After it: every gradient becomes the gradient of the mean loss over all the ranks'
  /// rows, as one process with the whole batch computes it (each rank's gradient
  /// weighted by its rows, so an uneven last batch is exact too). Throws TrainingError
  /// when another rank died or hung (the timeout).
  Step finish_step();
  /// `values` (double) summed over the ranks, in place; `what` names the collective in
  /// the message when a rank does not take part.
  void sum(at::Tensor& values, const char* what = "adding up the epoch's losses");
  /// True on every rank when `local` is true on some rank.
  bool any(bool local);

  /// A callback that keeps the world size in checkpoints, for check_resume().
  CallbackRef world_size_callback() const;

 private:
  class GradientBuckets;

  std::shared_ptr<ProcessGroup> group_;
  int64_t setup_ = 0;  // keys of this session in the store
  std::unique_ptr<GradientBuckets> buckets_;
};

/// The rows of `order` (the epoch's order of all rows) that `rank` trains on: of every
/// global batch of `global_batch` rows, the `batch` rows from rank x batch on.
at::Tensor rows_of_rank(const at::Tensor& order, int64_t global_batch, int64_t batch, int rank);

/// Refuses to resume a checkpoint written on another number of processes (`parallel`
/// null: one process without a group). `states`: the checkpoint's callback states.
void check_resume_world_size(const std::map<std::string, CallbackState>& states, const DataParallel* parallel);

}  // namespace hourglass
