// c10d underneath hourglass::ProcessGroup and DataParallel (docs/distributed.md). Built
// with HOURGLASS_WITH_C10D when CMake found Gloo's headers; without it, joining a group
// fails with "built without distributed support" and nothing else here is reachable.
#include "hourglass/train/distributed.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "hourglass/error.hpp"
#include "train/data_parallel.hpp"

#ifdef HOURGLASS_WITH_C10D
#include <torch/csrc/autograd/utils/lambda_post_hook.h>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace hourglass {
namespace {

// DDP's default bucket size: large enough that the per-message latency vanishes, small
// enough that one bucket's reduction can run while the next is being filled.
constexpr int64_t kBucketBytes = int64_t{25} << 20;

[[maybe_unused]] std::string seconds_text(std::chrono::milliseconds timeout) {
  return format_number(static_cast<double>(timeout.count()) / 1000.0) + " s";
}

int environment_number(const char* name, int fallback, bool required, int minimum) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') {
    if (required) {
      throw InvalidArgument(std::string(name) +
                            " is not set: a distributed launch (torchrun, hourglass train --nproc) sets RANK, "
                            "WORLD_SIZE, MASTER_ADDR and MASTER_PORT together");
    }
    return fallback;
  }
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < minimum || value > 1 << 24) {
    throw InvalidArgument(std::string(name) + " must be a whole number >= " + std::to_string(minimum) + ", got '" +
                          text + "'");
  }
  return static_cast<int>(value);
}

}  // namespace

std::optional<DistributedEnvironment> DistributedEnvironment::from_environment() {
  if (std::getenv("RANK") == nullptr && std::getenv("WORLD_SIZE") == nullptr) return std::nullopt;
  DistributedEnvironment e;
  e.rank = environment_number("RANK", 0, true, 0);
  e.world_size = environment_number("WORLD_SIZE", 1, true, 1);
  if (e.rank >= e.world_size) {
    throw InvalidArgument("RANK must be below WORLD_SIZE (" + std::to_string(e.world_size) + "), got " +
                          std::to_string(e.rank));
  }
  e.local_rank = environment_number("LOCAL_RANK", e.rank, false, 0);
  e.local_world_size = environment_number("LOCAL_WORLD_SIZE", e.world_size, false, 1);
  const char* addr = std::getenv("MASTER_ADDR");
  e.master_addr = addr != nullptr && *addr != '\0' ? addr : "127.0.0.1";
  e.master_port = environment_number("MASTER_PORT", 29500, e.world_size > 1, 1);
  if (e.master_port > 65535)
    throw InvalidArgument("MASTER_PORT must be at most 65535, got " + std::to_string(e.master_port));
  return e;
}

#ifdef HOURGLASS_WITH_C10D

bool distributed_available() { return true; }

class ProcessGroup::Impl {
 public:
  Impl(const DistributedEnvironment& e, std::chrono::milliseconds timeout)
      : rank(e.rank), world(e.world_size), timeout(timeout) {
    // Under torchrun the agent serves the store on MASTER_PORT and says so; otherwise rank
    // 0 does. Keys go under the attempt, as PyTorch's own, for torchrun's restarts.
    const char* agent_store = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
    const char* attempt = std::getenv("TORCHELASTIC_RESTART_COUNT");
    c10d::TCPStoreOptions options;
    options.port = static_cast<uint16_t>(e.master_port);
    options.isServer = e.rank == 0 && !(agent_store != nullptr && std::string(agent_store) == "True");
    options.numWorkers = static_cast<size_t>(e.world_size);
    options.waitWorkers = true;
    options.timeout = timeout;
    auto server = c10::make_intrusive<c10d::TCPStore>(e.master_addr, options);
    server->setTimeout(timeout);
    store = c10::make_intrusive<c10d::PrefixStore>(
        "hourglass/attempt_" + std::string(attempt != nullptr ? attempt : "0"), server);
    check_world_size();
    auto gloo_options = c10d::ProcessGroupGloo::Options::create(timeout);
    gloo_options->devices.push_back(device_for(e.master_addr));
    gloo_options->threads = 2;
    group = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("gloo", store), rank,
                                                        world, gloo_options);
  }

  // Every rank against rank 0's WORLD_SIZE, before Gloo, which would wait for ranks
  // that never come.
  void check_world_size() {
    const std::string mine = std::to_string(world);
    set_text("world/" + std::to_string(rank), mine);
    std::string mismatch;
    for (int other = 0; other < (rank == 0 ? world : 1) && mismatch.empty(); ++other) {
      const std::string theirs = text("world/" + std::to_string(other));
      if (theirs != mine) {
        mismatch = "rank " + std::to_string(other) + " has WORLD_SIZE " + theirs + " but rank " + std::to_string(rank) +
                   " has " + mine + "; launch every rank with the same WORLD_SIZE";
      }
    }
    checked("world/checked");
    if (!mismatch.empty()) throw InvalidArgument(mismatch);
  }

  // Counts this rank in: rank 0, whose store the others read, waits (up to the
  // timeout) until every rank has read what it needed before it may fail and exit.
  void checked(const std::string& key) {
    store->add(key, 1);
    if (rank != 0) return;
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (store->add(key, 0) < world && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::string text(const std::string& key) {
    const auto bytes = store->get(key);
    return std::string(bytes.begin(), bytes.end());
  }

  void set_text(const std::string& key, const std::string& value) {
    store->set(key, std::vector<uint8_t>(value.begin(), value.end()));
  }

  static std::shared_ptr<::gloo::transport::Device> device_for(const std::string& master_addr) {
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME")) {
      return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    }
    // On one machine the loopback; across hosts, the address this host's name resolves to.
    if (master_addr == "localhost" || master_addr.rfind("127.", 0) == 0) {
      return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    }
    return c10d::ProcessGroupGloo::createDefaultDevice();
  }

  // Runs a collective; a peer that died closes its connections, one that hangs runs
  // into the timeout: either way a TrainingError that says so, on every rank.
  template <typename Launch>
  void collective(const char* what, Launch launch) {
    try {
      launch()->wait();
    } catch (const std::exception& e) {
      throw TrainingError("rank " + std::to_string(rank) + " of " + std::to_string(world) + ": " + what +
                          " failed, another process died or did not answer within --dist-timeout " +
                          seconds_text(timeout) + " (" + first_line(e.what()) + "); every process stops");
    }
  }

  static std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

  int rank, world;
  std::chrono::milliseconds timeout;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  int64_t sessions = 0;
};

std::shared_ptr<ProcessGroup> join_process_group(const DistributedEnvironment& environment,
                                                 std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0)
    throw InvalidArgument("the distributed timeout must be positive, got " + seconds_text(timeout));
  try {
    return std::make_shared<ProcessGroup>(std::make_unique<ProcessGroup::Impl>(environment, timeout));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("rank " + std::to_string(environment.rank) + " of " + std::to_string(environment.world_size) +
                " could not join the training group at " + environment.master_addr + ":" +
                std::to_string(environment.master_port) + " within " + seconds_text(timeout) + " (" +
                ProcessGroup::Impl::first_line(e.what()) +
                "); start every rank with the same MASTER_ADDR and MASTER_PORT, or raise --dist-timeout");
  }
}

#else  // built without c10d

bool distributed_available() { return false; }

class ProcessGroup::Impl {
 public:
  int rank = 0, world = 1;
  std::chrono::milliseconds timeout{0};
  int64_t sessions = 0;
};

std::shared_ptr<ProcessGroup> join_process_group(const DistributedEnvironment&, std::chrono::milliseconds) {
  throw Error(
      "this hourglass was built without distributed support (Gloo's headers were missing at configure time); "
      "install libgloo-dev (scripts/install-deps.sh) and rebuild");
}

#endif

ProcessGroup::ProcessGroup(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProcessGroup::~ProcessGroup() = default;
int ProcessGroup::rank() const { return impl_->rank; }
int ProcessGroup::world_size() const { return impl_->world; }
std::chrono::milliseconds ProcessGroup::timeout() const { return impl_->timeout; }

// ---- DataParallel ----

namespace {

// Keeps the world size of the run in its checkpoints.
class WorldSize : public Callback {
 public:
  explicit WorldSize(int world) : world_(world) {}
  std::string name() const override { return kName; }
  CallbackState state() const override { return CallbackState{{{"world_size", world_}}, {}, {}}; }
  static constexpr const char* kName = "DataParallel";

 private:
  double world_;
};

// Many bytes, few calls: the tensors as one flat float tensor.
[[maybe_unused]] at::Tensor flat(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> pieces;
  for (const auto& t : tensors) pieces.push_back(t.detach().reshape({-1}).to(torch::kFloat));
  return torch::cat(pieces);
}

}  // namespace

DataParallel::DataParallel(std::shared_ptr<ProcessGroup> group) : group_(std::move(group)) {
  setup_ = group_->impl().sessions++;
}

CallbackRef DataParallel::world_size_callback() const { return CallbackRef(WorldSize(world_size())); }

void check_resume_world_size(const std::map<std::string, CallbackState>& states, const DataParallel* parallel) {
  const auto found = states.find(WorldSize::kName);
  const int written_by = found == states.end() ? 1 : static_cast<int>(found->second.number("world_size", 1));
  const int now = parallel == nullptr ? 1 : parallel->world_size();
  const bool same = found != states.end() ? written_by == now && parallel != nullptr : parallel == nullptr;
  if (!same) {
    const auto describe = [](bool grouped, int n) {
      return grouped ? std::to_string(n) + " process" + (n == 1 ? "" : "es") + " (--nproc " + std::to_string(n) + ")"
                     : std::string("one process without --nproc or torchrun");
    };
    throw InvalidArgument("the checkpoint was written by a run on " + describe(found != states.end(), written_by) +
                          " and this run is on " + describe(parallel != nullptr, now) +
                          "; resume with the same processes (the batches and their order depend on them), or "
                          "continue the model with --from");
  }
}

#ifdef HOURGLASS_WITH_C10D

uint64_t DataParallel::seed_of_rank0(uint64_t seed) {
  auto& impl = group_->impl();
  const std::string key = "session/" + std::to_string(setup_) + "/seed";
  if (is_main()) impl.set_text(key, std::to_string(seed));
  try {
    return std::stoull(impl.text(key));
  } catch (const std::exception& e) {
    throw TrainingError("rank " + std::to_string(rank()) + " could not get the seed from rank 0 within " +
                        seconds_text(impl.timeout) + " (" + ProcessGroup::Impl::first_line(e.what()) + ")");
  }
}

void DataParallel::check_same_setup(const std::string& description) {
  auto& impl = group_->impl();
  const std::string prefix = "session/" + std::to_string(setup_) + "/setup/";
  impl.set_text(prefix + std::to_string(rank()), description);
  std::string mismatch;
  for (int other = 0; other < world_size(); ++other) {
    if (other == rank()) continue;
    std::string theirs;
    try {
      theirs = impl.text(prefix + std::to_string(other));
    } catch (const std::exception& e) {
      throw TrainingError("rank " + std::to_string(rank()) + ": rank " + std::to_string(other) +
                          " did not start training within " + seconds_text(impl.timeout) + " (" +
                          ProcessGroup::Impl::first_line(e.what()) + ")");
    }
    if (theirs != description && mismatch.empty()) {
      mismatch = "rank " + std::to_string(other) + " trains " + theirs + " but rank " + std::to_string(rank()) +
                 " trains " + description + "; give every process the same data, network and options";
    }
  }
  impl.checked(prefix + "checked");
  if (!mismatch.empty()) throw InvalidArgument(mismatch);
}

void DataParallel::broadcast_from_rank0(const std::vector<at::Tensor>& tensors) {
  if (tensors.empty()) return;
  std::vector<at::Tensor> buffer{flat(tensors)};
  auto& impl = group_->impl();
  impl.collective("copying the weights from rank 0", [&] { return impl.group->broadcast(buffer); });
  torch::NoGradGuard no_grad;
  int64_t offset = 0;
  for (const auto& t : tensors) {
    t.copy_(buffer[0].narrow(0, offset, t.numel()).view_as(t));
    offset += t.numel();
  }
}

// The watched gradients in flat buckets (see watch_gradients). A post hook on each
// parameter's gradient accumulator runs once backward has written that gradient; the
// bucket that it completes, and any complete ones after the last started, start their
// allreduce on Gloo's threads while backward goes on. finish() starts what backward did
// not complete (a rank without rows has no backward pass; a parameter outside this
// step's graph gets no gradient), in order, and waits for all.
class DataParallel::GradientBuckets {
 public:
  GradientBuckets(ProcessGroup::Impl& group, const std::vector<at::Tensor>& parameters) : group_(group) {
    for (const auto& p : parameters)
      if (p.requires_grad()) parameters_.push_back(p);
    bucket_of_.resize(parameters_.size());
    int64_t bytes = 0;
    for (size_t k = parameters_.size(); k-- > 0;) {
      const int64_t size = parameters_[k].numel() * 4;
      const int64_t cap = buckets_.size() <= 1 ? kFirstBucketBytes : kBucketBytes;
      if (buckets_.empty() || (bytes > 0 && bytes + size > cap)) {
        buckets_.emplace_back();
        bytes = 0;
      }
      buckets_.back().members.push_back(k);
      bucket_of_[k] = buckets_.size() - 1;
      bytes += size;
    }
    arrived_.assign(parameters_.size(), false);
    reset();
    for (size_t k = 0; k < parameters_.size(); ++k) {
      accumulators_.push_back(torch::autograd::impl::grad_accumulator(parameters_[k]));
      hooks_.push_back(accumulators_.back()->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
          [this, k](const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) {
            arrived(k);
            return outputs;
          })));
    }
  }
  ~GradientBuckets() {
    for (size_t k = 0; k < accumulators_.size(); ++k) accumulators_[k]->del_post_hook(hooks_[k]);
  }
  GradientBuckets(const GradientBuckets&) = delete;
  GradientBuckets& operator=(const GradientBuckets&) = delete;

  void begin(const at::Tensor& loss, int64_t rows, bool stop_requested) {
    rows_ = static_cast<double>(rows);
    loss_sum_ = rows > 0 ? loss.item<double>() * rows_ : 0.0;
    stop_ = stop_requested;
    in_backward_ = true;
  }

  Step finish() {
    in_backward_ = false;
    Step step;
    step.buckets = static_cast<int>(buckets_.size());
    step.started_during_backward = static_cast<int>(next_);
    while (next_ < buckets_.size()) start(next_++);
    for (auto& bucket : buckets_) group_.collective("averaging the gradients", [&] { return bucket.work; });

    const auto& last = buckets_.back().flat[0];
    const auto totals = last.narrow(0, last.size(0) - 3, 3).to(torch::kDouble);
    const double all_rows = totals[1].item<double>();
    step.rows = static_cast<int64_t>(std::llround(all_rows));
    step.stop = totals[2].item<double>() > 0;
    step.loss = (totals[0] / all_rows).to(torch::kFloat);
    for (auto& bucket : buckets_) {
      int64_t offset = 0;
      for (const size_t k : bucket.members) {
        auto& p = parameters_[k];
        p.mutable_grad() = bucket.flat[0].narrow(0, offset, p.numel()).view_as(p).div(all_rows).to(p.scalar_type());
        offset += p.numel();
      }
    }
    reset();
    return step;
  }

 private:
  // DDP's sizes: the first bucket small, so that its reduction starts early in the
  // backward pass; the others large enough that the per-message latency vanishes.
  static constexpr int64_t kFirstBucketBytes = int64_t{1} << 20;

  struct Bucket {
    std::vector<size_t> members;  // indices into parameters_, in the order backward reaches them
    size_t waiting = 0;           // gradients not yet written in this step
    std::vector<at::Tensor> flat;
    c10::intrusive_ptr<c10d::Work> work;
  };

  void arrived(size_t k) {
    if (!in_backward_ || arrived_[k]) return;  // a backward pass outside a step, or a second write
    arrived_[k] = true;
    --buckets_[bucket_of_[k]].waiting;
    while (next_ < buckets_.size() && buckets_[next_].waiting == 0) start(next_++);
  }

  // Each rank's mean gradient times its rows: summed over the ranks and divided by all
  // their rows, the gradient of the mean over every row. The loss, the rows and the stop
  // requests travel with the last bucket.
  void start(size_t b) {
    torch::NoGradGuard no_grad;
    auto& bucket = buckets_[b];
    std::vector<at::Tensor> pieces;
    for (const size_t k : bucket.members) {
      const auto& p = parameters_[k];
      const auto& grad = p.grad();
      pieces.push_back(grad.defined() && rows_ > 0 ? (grad.detach() * rows_).reshape({-1}).to(torch::kFloat)
                                                   : torch::zeros({p.numel()}, torch::kFloat));
    }
    if (b + 1 == buckets_.size()) {
      pieces.push_back(torch::tensor({loss_sum_, rows_, stop_ ? 1.0 : 0.0}, torch::kFloat));
    }
    bucket.flat = {torch::cat(pieces)};
    bucket.work = group_.group->allreduce(bucket.flat);
  }

  void reset() {
    std::fill(arrived_.begin(), arrived_.end(), false);
    for (auto& bucket : buckets_) bucket.waiting = bucket.members.size();
    next_ = 0;
  }

  ProcessGroup::Impl& group_;
  std::vector<at::Tensor> parameters_;
  std::vector<size_t> bucket_of_;
  std::vector<Bucket> buckets_;
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators_;
  std::vector<uintptr_t> hooks_;
  std::vector<bool> arrived_;
  size_t next_ = 0;  // the next bucket to start
  bool in_backward_ = false;
  double rows_ = 0, loss_sum_ = 0;
  bool stop_ = false;
};

void DataParallel::watch_gradients(const std::vector<at::Tensor>& parameters) {
  buckets_ = std::make_unique<GradientBuckets>(group_->impl(), parameters);
}

void DataParallel::begin_step(const at::Tensor& loss, int64_t rows, bool stop_requested) {
  buckets_->begin(loss, rows, stop_requested);
}

DataParallel::Step DataParallel::finish_step() { return buckets_->finish(); }

void DataParallel::sum(at::Tensor& values, const char* what) {
  std::vector<at::Tensor> buffer{values.contiguous()};
  auto& impl = group_->impl();
  impl.collective(what, [&] { return impl.group->allreduce(buffer); });
  values = buffer[0];
}

#else

uint64_t DataParallel::seed_of_rank0(uint64_t seed) { return seed; }
void DataParallel::check_same_setup(const std::string&) {}
void DataParallel::broadcast_from_rank0(const std::vector<at::Tensor>&) {}
class DataParallel::GradientBuckets {};
void DataParallel::watch_gradients(const std::vector<at::Tensor>&) {}
void DataParallel::begin_step(const at::Tensor&, int64_t, bool) {}
DataParallel::Step DataParallel::finish_step() { return {}; }
void DataParallel::sum(at::Tensor&, const char*) {}

#endif

DataParallel::~DataParallel() = default;

bool DataParallel::any(bool local) {
  auto flag = torch::tensor({local ? 1.0 : 0.0}, torch::kDouble);
  sum(flag);
  return flag.item<double>() > 0;
}

at::Tensor DataParallel::epoch_order(int64_t rows, uint64_t seed, int64_t epoch) const {
  auto generator = at::detail::createCPUGenerator(seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(epoch));
  return torch::randperm(rows, generator, torch::kLong);
}

at::Tensor rows_of_rank(const at::Tensor& order, int64_t global_batch, int64_t batch, int rank) {
  const auto position = torch::arange(order.size(0), torch::kLong);
  const auto mine = position.remainder(global_batch).div(batch, "floor").eq(rank);
  return order.masked_select(mine);
}

void DataParallel::seed_rank_stream(uint64_t seed, int64_t epoch) const {
  if (rank() == 0) return;
  torch::manual_seed(seed ^ (static_cast<uint64_t>(rank()) << 40) ^
                     (static_cast<uint64_t>(epoch) * 0x2545F4914F6CDD1DULL));
}

}  // namespace hourglass
