// `hourglass train --nproc N` (cli/launch.cpp): the ranks it starts end with it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hourglass/train/distributed.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using namespace hourglass::testing;  // NOLINT: the helpers every test here uses

// A process's parent and state from /proc/PID/stat ("PID (NAME) STATE PPID ..."); the
// name may hold spaces and parentheses, so the fields are read after its last ')'.
bool read_stat(pid_t pid, char& state, pid_t& parent) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(text.substr(close + 1));
  return static_cast<bool>(fields >> state >> parent);
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    char state = 0;
    pid_t ppid = 0;
    if (read_stat(std::stoi(name), state, ppid) && ppid == parent) children.push_back(std::stoi(name));
  }
  return children;
}

// Running: it exists and is not a zombie waiting for a parent that may never reap it.
bool running(pid_t pid) {
  char state = 0;
  pid_t parent = 0;
  return read_stat(pid, state, parent) && state != 'Z' && state != 'X';
}

// The launcher killed with SIGKILL (no handler can forward anything) while its two ranks
// train: they end at once, and the model file from before is what it was.
TEST(Launch, RanksDieWithTheirLauncherAndLeaveTheOutputAlone) {
  if (!distributed_available()) GTEST_SKIP() << "built without distributed support (libgloo-dev missing)";
  const std::string model = write_text("previous.hgm", "the user's earlier model");
  const std::string history = temp_path("orphans.csv");
  std::remove(history.c_str());
  const pid_t launcher = fork();
  if (launcher == 0) {
    const std::string binary = HOURGLASS_BINARY;
    execl(binary.c_str(), "hourglass", "train", kIris.c_str(), "--label", "Species", "--network", "2", "--epochs",
          "1000000", "--batch-size", "1", "--quiet", "--nproc", "2", "--history-csv", history.c_str(), "-o",
          model.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(launcher, 0);
  // The event: rank 0 has logged an epoch, so both ranks are training.
  for (int i = 0; i < 6000 && !exists(history) && running(launcher); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto ranks = children_of(launcher);
  EXPECT_EQ(ranks.size(), 2u);
  kill(launcher, SIGKILL);
  waitpid(launcher, nullptr, 0);
  // The second event: every rank gone (the kernel kills them; the bound is generous).
  bool alive = true;
  for (int i = 0; i < 600 && alive; ++i) {
    alive = std::any_of(ranks.begin(), ranks.end(), running);
    if (alive) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(alive) << "a rank outlived its launcher";
  for (pid_t rank : ranks) kill(rank, SIGKILL);  // if one did, it ends with the test
  EXPECT_EQ(slurp(model), "the user's earlier model");
}

}  // namespace
}  // namespace hourglass
