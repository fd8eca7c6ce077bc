// Data-parallel training across real processes on 127.0.0.1: the `hourglass` command
// launched by hand (RANK, WORLD_SIZE, ... as torchrun sets them), by --nproc and by
// torchrun, compared through the models they write.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "hourglass/hourglass.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "support/cli.hpp"
#include "train/data_parallel.hpp"

namespace hourglass {
namespace {

using testing::hourglass_cli;
using testing::kIris;
using testing::slurp;
using testing::temp_path;

#define SKIP_WITHOUT_DISTRIBUTED() \
  if (!distributed_available()) GTEST_SKIP() << "built without distributed support (libgloo-dev missing)"

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// One rank started by hand, as torchrun would: its own process, its output in files.
struct Rank {
  pid_t pid = -1;
  std::string err;

  Rank(int rank, int world, int port, const std::string& arguments, const std::string& name) {
    err = temp_path(name + ".err");
    const std::string command =
        "exec " + std::string(HOURGLASS_BINARY) + " " + arguments + " > " + temp_path(name + ".out") + " 2> " + err;
    pid = fork();
    if (pid == 0) {
      setenv("RANK", std::to_string(rank).c_str(), 1);
      setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
      setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      setenv("LOCAL_WORLD_SIZE", std::to_string(world).c_str(), 1);
      setenv("MASTER_ADDR", "127.0.0.1", 1);
      setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  // The exit status (128 + signal for a killed one); -1 when it is still running after
  // `limit`, which then kills it.
  int wait(std::chrono::seconds limit = std::chrono::seconds(120)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > end) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

// Every rank of a hand-made launch; their statuses.
std::vector<int> run_ranks(int world, const std::vector<std::string>& arguments) {
  const int port = free_port();
  std::vector<Rank> ranks;
  for (int r = 0; r < world; ++r) ranks.emplace_back(r, world, port, arguments[r], "rank" + std::to_string(r));
  std::vector<int> statuses;
  for (auto& rank : ranks) statuses.push_back(rank.wait());
  return statuses;
}

double max_difference(const std::string& a, const std::string& b) {
  const auto pa = ModelAccess::impl(Model::load(a)).net->parameters(),
             pb = ModelAccess::impl(Model::load(b)).net->parameters();
  EXPECT_EQ(pa.size(), pb.size());
  double most = 0;
  for (size_t i = 0; i < pa.size(); ++i) most = std::max(most, (pa[i] - pb[i]).abs().max().item<double>());
  return most;
}

bool identical(const std::string& a, const std::string& b) {
  const auto pa = ModelAccess::impl(Model::load(a)).net->parameters(),
             pb = ModelAccess::impl(Model::load(b)).net->parameters();
  for (size_t i = 0; i < pa.size(); ++i)
    if (!torch::equal(pa[i], pb[i])) return false;
  return pa.size() == pb.size();
}

std::string train_arguments(const std::string& network) {
  return "--threads 1 train " + kIris + " --label Species --network " + network +
         " --scale zscore --optimizer adam --lr 0.01 --seed 7 -q --no-baseline ";
}
const std::string kTrain = train_arguments("8,2:tanh");

// The rows of one epoch's global order each rank trains on, written out: of each batch
// of 64, rank 0 the first 32 and rank 1 the rest; 150 rows end with a batch of 22, all
// rank 0's.
TEST(DataParallel, EachRankTakesItsShareOfEveryGlobalBatch) {
  const auto order = torch::randperm(150, torch::kLong);
  for (int rank = 0; rank < 2; ++rank) {
    std::vector<int64_t> expected;
    for (int64_t position = 0; position < 150; ++position)
      if ((position % 64) / 32 == rank) expected.push_back(order[position].item<int64_t>());
    EXPECT_EQ(expected.size(), rank == 0 ? 86u : 64u);
    EXPECT_TRUE(torch::equal(rows_of_rank(order, 64, 32, rank), torch::tensor(expected, torch::kLong)));
  }
}

// The proof of the averaging: 2 ranks x 32 rows take the same steps as 1 rank x 64 rows
// over the same global order (7 epochs of 3 steps: 21 steps, the last of each epoch
// with 22 rows, all on rank 0 and none on rank 1). The small network's gradients travel
// in one bucket; the wide one's (1.7 MB) in two, the first started during backward.
TEST(DataParallel, TwoRanksOfBatch32EqualOneRankOfBatch64) {
  SKIP_WITHOUT_DISTRIBUTED();
  for (const std::string network : {"8,2:tanh", "640,320:tanh"}) {
    SCOPED_TRACE(network);
    const std::string train = train_arguments(network);
    const std::string one = temp_path("one.hgm"), two = temp_path("two.hgm");
    const auto single = hourglass_cli(train + "--epochs 7 --batch-size 64 --nproc 1 -o " + one);
    ASSERT_EQ(single.status, 0) << single.err;
    const auto statuses =
        run_ranks(2, {train + "--epochs 7 --batch-size 32 -o " + two, train + "--epochs 7 --batch-size 32 -o " + two});
    ASSERT_EQ(statuses, (std::vector<int>{0, 0})) << slurp(temp_path("rank0.err")) << slurp(temp_path("rank1.err"));
    // Not bit-equal: each rank sums its 32 rows' gradients and the two sums are added,
    // where one process sums 64 rows in its BLAS kernel's order. Reordering a sum of n fp32
    // terms moves it by at most about n * 2^-24 of its terms' magnitude (64 rows: 3.8e-6),
    // and Adam's step is scale-free (m / sqrt(v)): where a gradient keeps its sign, that
    // rounding moves a step by about 3.8e-6 * lr, 8e-7 over 21 steps; where a gradient is
    // near zero, its rounding can turn a step of up to lr around, which is what the wide
    // network shows (1.35e-5 measured on an AMD EPYC, 1e-5 on Intel). So rounding moves a
    // weight by a small share of one step, lr = 1e-2, and the bound is lr / 100. A mistake
    // in the averaging (a rank stepping on its own 32 rows, a share counted twice) changes
    // whole steps: one process at batch 32 shows that this bound tells the two apart.
    const double bound = 0.01 / 100;
    EXPECT_LE(max_difference(one, two), bound);
    const std::string half = temp_path("half.hgm");
    ASSERT_EQ(hourglass_cli(train + "--epochs 7 --batch-size 32 --nproc 1 -o " + half).status, 0);
    EXPECT_GT(max_difference(one, half), 10 * bound);
    // The weights moved far more than that after the first epoch: the comparison is not
    // of networks that barely trained.
    const auto first = hourglass_cli(train + "--epochs 1 --batch-size 64 --nproc 1 -o " + temp_path("first.hgm"));
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_GT(max_difference(one, temp_path("first.hgm")), 1e-2);
    // The history agrees: the epoch losses are those of all 150 rows on every rank.
    EXPECT_NEAR(Model::load(one).history().epochs.back().values[0].second,
                Model::load(two).history().epochs.back().values[0].second, 1e-5);
  }
}

// Missing cells: each rank's loss is a mean over its present cells, and the ranks' counts
// differ. With the cells counted over both ranks (Objective::CellAgreement), 2 ranks x 32
// rows take the steps of 1 x 64 as on complete data (the last batch of 699 rows is 32
// and 27); the mean of the two ranks' means put the weights 2.5e-3 apart after 5 epochs,
// 25 times this bound.
TEST(DataParallel, TwoRanksEqualOneOnATableWithMissingCells) {
  SKIP_WITHOUT_DISTRIBUTED();
  const std::string train = "--threads 1 train " + std::string(HOURGLASS_SOURCE_DIR) +
                            "/data/breast_cancer.csv --label Class --network 16,3:relu --scale zscore "
                            "--optimizer adam --lr 0.01 --seed 3 --epochs 5 -q --no-baseline ";
  const std::string one = temp_path("holes-one.hgm"), two = temp_path("holes-two.hgm");
  const auto single = hourglass_cli(train + "--batch-size 64 --nproc 1 -o " + one);
  ASSERT_EQ(single.status, 0) << single.err;
  const auto statuses = run_ranks(2, {train + "--batch-size 32 -o " + two, train + "--batch-size 32 -o " + two});
  ASSERT_EQ(statuses, (std::vector<int>{0, 0})) << slurp(temp_path("rank0.err")) << slurp(temp_path("rank1.err"));
  EXPECT_LE(max_difference(one, two), 0.01 / 100);
  const auto a = Model::load(one).history().epochs, b = Model::load(two).history().epochs;
  ASSERT_EQ(a.size(), b.size());
  for (size_t e = 0; e < a.size(); ++e) EXPECT_NEAR(a[e].value("loss"), b[e].value("loss"), 1e-5 * a[e].value("loss"));
}

// In one process (a group of one), the buckets of a 3.6 MB network: the first (the last
// layer's 0.24 MB) starts its allreduce when backward has written the last layer's
// gradients, the second at the end of backward; the gradients that come back are
// autograd's. Once the training is over its hooks are gone.
TEST(DataParallel, GradientBucketsStartDuringTheBackwardPass) {
  SKIP_WITHOUT_DISTRIBUTED();
  DistributedEnvironment environment;
  environment.master_port = free_port();
  torch::manual_seed(3);
  torch::nn::Sequential net(torch::nn::Linear(100, 1200), torch::nn::Tanh(), torch::nn::Linear(1200, 600),
                            torch::nn::Tanh(), torch::nn::Linear(600, 100));
  const auto x = torch::randn({16, 100});
  const auto loss_of = [&] { return (net->forward(x) - x).square().mean(); };
  const auto expected = torch::autograd::grad({loss_of()}, net->parameters());
  {
    DataParallel parallel(join_process_group(environment, std::chrono::seconds(30)));
    parallel.watch_gradients(net->parameters());
    for (int step = 0; step < 2; ++step) {
      for (auto& p : net->parameters()) p.mutable_grad().reset();
      const auto loss = loss_of();
      parallel.begin_step(loss.detach(), 16, false);
      loss.backward();
      const auto agreed = parallel.finish_step();
      EXPECT_EQ(agreed.buckets, 2);
      EXPECT_EQ(agreed.started_during_backward, 2);
      EXPECT_EQ(agreed.rows, 16);
      EXPECT_NEAR(agreed.loss.item<double>(), loss.item<double>(), 1e-6);
      for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_LT((net->parameters()[i].grad() - expected[i]).abs().max().item<double>(), 1e-6) << "parameter " << i;
      }
    }
  }
  for (auto& p : net->parameters()) {
    p.mutable_grad().reset();
    EXPECT_TRUE(torch::autograd::impl::grad_accumulator(p)->post_hooks().empty());
  }
  loss_of().backward();
  EXPECT_LT((net->parameters()[0].grad() - expected[0]).abs().max().item<double>(), 1e-6);
}

// An ensemble's networks are data-parallel sessions one after another: on 2 ranks of 32
// rows each, every network takes the steps one rank of 64 takes.
TEST(DataParallel, AnEnsembleOnTwoRanksEqualsOneOnOneRank) {
  SKIP_WITHOUT_DISTRIBUTED();
  const std::string one = temp_path("ensemble-one.hgm"), two = temp_path("ensemble-two.hgm");
  const auto single = hourglass_cli(kTrain + "--ensemble 2 --epochs 5 --batch-size 64 --nproc 1 -o " + one);
  ASSERT_EQ(single.status, 0) << single.err;
  const auto args = kTrain + "--ensemble 2 --epochs 5 --batch-size 32 -o " + two;
  ASSERT_EQ(run_ranks(2, {args, args}), (std::vector<int>{0, 0})) << slurp(temp_path("rank1.err"));
  const Model a = Model::load(one), b = Model::load(two);
  ASSERT_EQ(a.ensemble_size(), 2);
  ASSERT_EQ(b.ensemble_size(), 2);
  const auto x = testing::iris().features;
  EXPECT_LE((a.score(x) - b.score(x)).abs().max().item<double>(), 1e-4);
  EXPECT_LE(max_difference(one, two), 1e-5);  // the first networks' weights
}

// --nproc 2 is the hand-made launch of two ranks, bit for bit.
TEST(DataParallel, NprocEqualsTheEnvironmentLaunch) {
  SKIP_WITHOUT_DISTRIBUTED();
  const std::string launched = temp_path("nproc.hgm"), manual = temp_path("manual.hgm");
  const auto r = hourglass_cli(kTrain + "--epochs 5 --batch-size 16 --validation-split 0.2 --nproc 2 -o " + launched);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto args = kTrain + "--epochs 5 --batch-size 16 --validation-split 0.2 -o " + manual;
  ASSERT_EQ(run_ranks(2, {args, args}), (std::vector<int>{0, 0})) << slurp(temp_path("rank1.err"));
  EXPECT_TRUE(identical(launched, manual));
  // Validation ran on both ranks' shares and was added up: a val_loss in every epoch.
  const auto epochs = Model::load(launched).history().epochs;
  ASSERT_EQ(epochs.size(), 5u);
  EXPECT_EQ(epochs.back().values.back().first, "val_loss");
}

// The arguments of a run that trains until it is stopped, with a checkpoint after each
// epoch; the checkpoint of an earlier run of a test is removed, so that
// wait_for_first_epoch() waits for this one.
std::string endless_run(int dist_timeout_seconds) {
  const std::string checkpoint = temp_path("alive.hgm");
  std::remove(checkpoint.c_str());
  return kTrain + "--epochs 100000 --batch-size 16 --dist-timeout " + std::to_string(dist_timeout_seconds) +
         " --checkpoint " + checkpoint + " -o " + temp_path("never.hgm");
}

// Both ranks are in training: rank 0 wrote its first checkpoint.
void wait_for_first_epoch() {
  while (!std::ifstream(temp_path("alive.hgm")).good()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

// A rank that dies makes the other fail with a message, long before --dist-timeout.
TEST(DataParallel, AKilledRankMakesTheOtherExitWithAMessage) {
  SKIP_WITHOUT_DISTRIBUTED();
  const int port = free_port();
  const auto args = endless_run(60);
  Rank survivor(0, 2, port, args, "rank0"), victim(1, 2, port, args, "rank1");
  wait_for_first_epoch();
  kill(victim.pid, SIGKILL);
  EXPECT_EQ(victim.wait(), 128 + SIGKILL);
  const int status = survivor.wait(std::chrono::seconds(30));  // far below the 60 s timeout
  EXPECT_NE(status, 0);
  EXPECT_NE(status, -1) << "rank 0 did not stop by itself";
  EXPECT_NE(slurp(survivor.err).find("another process died or did not answer"), std::string::npos)
      << slurp(survivor.err);
}

// A rank that hangs (stopped) makes the other fail once --dist-timeout has passed.
TEST(DataParallel, AHungRankMakesTheOtherExitAfterTheTimeout) {
  SKIP_WITHOUT_DISTRIBUTED();
  const int port = free_port();
  const auto args = endless_run(2);
  Rank survivor(0, 2, port, args, "rank0"), hung(1, 2, port, args, "rank1");
  wait_for_first_epoch();
  kill(hung.pid, SIGSTOP);
  const int status = survivor.wait(std::chrono::seconds(30));
  kill(hung.pid, SIGKILL);
  hung.wait();
  EXPECT_EQ(status, 3) << slurp(survivor.err);
  EXPECT_NE(slurp(survivor.err).find("within --dist-timeout 2 s"), std::string::npos) << slurp(survivor.err);
}

// Killing both ranks mid-run and resuming from the checkpoint equals an uninterrupted run.
TEST(DataParallel, ResumeAfterKillingBothRanksEqualsAnUninterruptedRun) {
  SKIP_WITHOUT_DISTRIBUTED();
  // Enough data that the run is still going when the first checkpoint appears.
  const auto data = testing::low_rank_data(3000, 16, 4);
  const std::string csv = temp_path("data.csv");
  {
    std::ofstream out(csv);
    for (int64_t r = 0; r < data.size(0); ++r) {
      for (int64_t c = 0; c < data.size(1); ++c) out << (c ? "," : "") << data[r][c].item<float>();
      out << '\n';
    }
  }
  const std::string train = "--threads 1 train " + csv +
                            " --network 32,4 --optimizer adam --lr 0.001 --seed 11 --batch-size 16 --epochs 8 -q "
                            "--no-baseline ";
  const std::string whole = temp_path("whole.hgm");
  const auto r = hourglass_cli(train + "--nproc 2 -o " + whole);
  ASSERT_EQ(r.status, 0) << r.err;

  const int port = free_port();
  const std::string checkpoint = temp_path("checkpoint.hgm");
  std::remove(checkpoint.c_str());
  const auto args = train + "--checkpoint " + checkpoint + " -o " + temp_path("killed.hgm");
  Rank a(0, 2, port, args, "rank0"), b(1, 2, port, args, "rank1");
  while (!std::ifstream(checkpoint).good()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(a.pid, SIGKILL);
  kill(b.pid, SIGKILL);
  a.wait();
  b.wait();
  const auto done = Model::load(checkpoint).history().epochs.size();
  EXPECT_LT(done, 8u) << "the run ended before it was killed";

  const std::string resumed = temp_path("resumed.hgm");
  const auto again = hourglass_cli(train + "--nproc 2 --resume " + checkpoint + " -o " + resumed);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(Model::load(resumed).history().epochs.size(), 8u);
  EXPECT_TRUE(identical(whole, resumed)) << max_difference(whole, resumed);

  // Another number of processes is refused: the batches would differ.
  const auto other = hourglass_cli(train + "--nproc 1 --resume " + checkpoint + " -o " + temp_path("x.hgm"));
  EXPECT_EQ(other.status, 2);
  EXPECT_NE(other.err.find("written by a run on 2 processes"), std::string::npos) << other.err;
}

// Ranks that do not train the same thing are refused at the start, by every rank.
TEST(DataParallel, RanksWithOtherDataOrWorldSizeAreRefused) {
  SKIP_WITHOUT_DISTRIBUTED();
  const std::string fewer = testing::write_text("fewer.csv", slurp(kIris).substr(0, slurp(kIris).rfind('\n', 2000)));
  const auto statuses =
      run_ranks(2, {kTrain + "--epochs 1 -o " + temp_path("a.hgm"),
                    "--threads 1 train " + fewer +
                        " --label Species --network 8,2:tanh --scale zscore --optimizer adam --lr 0.01 --seed 7 -q "
                        "--no-baseline --epochs 1 -o " +
                        temp_path("b.hgm")});
  EXPECT_EQ(statuses, (std::vector<int>{2, 2}));
  const std::string err = slurp(temp_path("rank0.err"));
  EXPECT_NE(err.find("give every process the same data"), std::string::npos) << err;
  EXPECT_NE(err.find("150 rows x 4 values"), std::string::npos) << err;

  // WORLD_SIZE 2 against 3: refused before Gloo would wait for a rank that never comes.
  const int port = free_port();
  Rank zero(0, 2, port, kTrain + "--epochs 1 --dist-timeout 20 -o " + temp_path("c.hgm"), "w0");
  Rank one(1, 3, port, kTrain + "--epochs 1 --dist-timeout 20 -o " + temp_path("d.hgm"), "w1");
  EXPECT_EQ(one.wait(), 2);
  EXPECT_NE(zero.wait(), 0);
  EXPECT_NE(slurp(one.err).find("launch every rank with the same WORLD_SIZE"), std::string::npos) << slurp(one.err);
}

// --nproc: a failing rank fails the launch; bad launches are refused with a message.
TEST(DataParallel, NprocReportsAFailingRank) {
  SKIP_WITHOUT_DISTRIBUTED();
  const auto r = hourglass_cli(kTrain + "--epochs 1 --nproc 2 --batch-size 0 -o " + temp_path("m.hgm"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("batch size must be at least 1"), std::string::npos) << r.err;
  setenv("RANK", "0", 1);
  setenv("WORLD_SIZE", "1", 1);
  const auto nested = hourglass_cli(kTrain + "--epochs 1 --nproc 2 -o " + temp_path("n.hgm"));
  unsetenv("RANK");
  unsetenv("WORLD_SIZE");
  EXPECT_EQ(nested.status, 2);
  EXPECT_NE(nested.err.find("leave it out under torchrun"), std::string::npos) << nested.err;
}

// The CPU is the only device: cuda is refused with a message, not ignored.
TEST(DataParallel, OnlyTheCpuDeviceIsAccepted) {
  const auto cpu = hourglass_cli(kTrain + "--epochs 1 --device cpu -o " + temp_path("cpu.hgm"));
  EXPECT_EQ(cpu.status, 0) << cpu.err;
  const auto cuda = hourglass_cli(kTrain + "--epochs 1 --device cuda:0 -o " + temp_path("cuda.hgm"));
  EXPECT_EQ(cuda.status, 2);
  EXPECT_NE(cuda.err.find("trains on the CPU only"), std::string::npos) << cuda.err;
  EXPECT_FALSE(testing::exists(temp_path("cuda.hgm")));
}

// torchrun (PyTorch's launcher, Debian's python3-torch) and --nproc give the same model.
TEST(DataParallel, TorchrunEqualsNproc) {
  SKIP_WITHOUT_DISTRIBUTED();
  if (std::system("command -v torchrun > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "torchrun not installed (scripts/install-deps.sh bench installs python3-torch)";
  }
  const std::string launched = temp_path("nproc.hgm"), torchrun = temp_path("torchrun.hgm");
  const auto args = kTrain + "--epochs 3 --batch-size 16 ";
  const auto r = hourglass_cli(args + "--nproc 2 -o " + launched);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string logs = temp_path("torchrun-logs");
  const std::string command = "torchrun --nproc_per_node 2 --master_addr 127.0.0.1 --master_port " +
                              std::to_string(free_port()) + " --redirects 1 --tee 1 --log_dir " + logs +
                              " --no_python " + HOURGLASS_BINARY + " " + args + "-o " + torchrun + " > " +
                              temp_path("torchrun.out") + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << slurp(temp_path("torchrun.out"));
  EXPECT_TRUE(identical(launched, torchrun));
}

}  // namespace
}  // namespace hourglass
