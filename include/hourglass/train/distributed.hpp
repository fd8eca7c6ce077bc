// Data-parallel training on many processes, through PyTorch's own distributed engine
// (c10d: a TCPStore for the rendezvous, Gloo for the collectives). Every process runs
// the same training on the same data; each trains on its own share of every batch, the
// gradients are averaged across processes after each backward pass, and all of them end
// with the same weights. Launch with torchrun (it sets RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT) or `hourglass train --nproc N`.
//
//   auto environment = DistributedEnvironment::from_environment();   // nullopt: not launched so
//   TrainOptions options = TrainOptions().batch_size(32);             // per process
//   if (environment) options.process_group(join_process_group(*environment, std::chrono::seconds(300)));
//   Model model = train(learner, data, options, callbacks);           // the same model on every rank
//   if (!options.process_group() || options.process_group()->is_main()) model.save("model.hgm");
//
// See docs/distributed.md for how batches are shared and how failures end a run.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace hourglass {

/// True when this build of Hourglass has c10d with Gloo (CMake found libgloo-dev).
bool distributed_available();

/// Where this process stands in a group launched torchrun's way.
struct DistributedEnvironment {
  int rank = 0, world_size = 1, local_rank = 0, local_world_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;

  /// Read from RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and
  /// MASTER_PORT; nullopt when neither RANK nor WORLD_SIZE is set. Throws
  /// InvalidArgument naming the variable when one is missing or not a valid number.
  static std::optional<DistributedEnvironment> from_environment();
};

/// The processes training together: a joined c10d group. Shared by the options of every
/// training this process runs with it.
class ProcessGroup {
 public:
  class Impl;
  explicit ProcessGroup(std::unique_ptr<Impl> impl);
  ~ProcessGroup();
  int rank() const;
  int world_size() const;
  /// Rank 0: the process that prints, and writes models and checkpoints.
  bool is_main() const { return rank() == 0; }
  std::chrono::milliseconds timeout() const;
  Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

/// Joins the group: rank 0 serves a TCPStore on MASTER_PORT, every rank connects to it
/// and builds a Gloo process group. `timeout` bounds the rendezvous and, later, every
/// collective: a process that died or hangs makes the others fail with a TrainingError
/// within it, never wait forever. Throws InvalidArgument when the ranks disagree on the
/// world size, Error when the others do not come within `timeout`, and Error ("built
/// without distributed support") when distributed_available() is false.
std::shared_ptr<ProcessGroup> join_process_group(const DistributedEnvironment& environment,
                                                 std::chrono::milliseconds timeout);

}  // namespace hourglass
