// --nproc and --dist-timeout: training on many processes. `train --nproc N` starts N
// copies of the same command line as ranks of one group on 127.0.0.1, the way
// `torchrun --nproc_per_node N --no_python hourglass train ...` does (docs/distributed.md).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <thread>

#include "common.hpp"
#include "hourglass/train/distributed.hpp"

namespace hourglass::cli {
namespace {

// The children, for the signal handler: it forwards what the launcher receives.
constexpr int kMaxProcesses = 1024;
pid_t children[kMaxProcesses];
std::atomic<int> child_count{0};
std::atomic<bool> signalled{false};
constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Sends `signal` to every child still running.
void kill_others(int signal) {
  for (int i = 0; i < child_count; ++i)
    if (children[i] > 0) kill(children[i], signal);  // async-signal-safe
}

void forward_signal(int signal) {
  signalled = true;
  kill_others(signal);
}

// This process's command line, as the kernel keeps it.
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> arguments;
  for (std::string argument; std::getline(in, argument, '\0');) arguments.push_back(argument);
  return arguments;
}

// The command line without --nproc N: what each rank runs.
std::vector<std::string> rank_arguments() {
  std::vector<std::string> out;
  const auto arguments = own_arguments();
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (arguments[i] == "--nproc") {
      ++i;
    } else if (arguments[i].rfind("--nproc=", 0) != 0) {
      out.push_back(arguments[i]);
    }
  }
  return out;
}

// A port no one listens on now; the OS chooses it, rank 0 binds it a moment later.
int free_port() {
  const int socket_fd = socket(AF_INET, SOCK_STREAM, 0);
  if (socket_fd < 0) throw Error("--nproc: could not open a socket to find a free port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  close(socket_fd);
  if (!ok) throw Error("--nproc: could not find a free port on 127.0.0.1");
  return ntohs(address.sin_port);
}

int status_of(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

// Whether the user chose the threads: OMP_NUM_THREADS is set or the command line has --threads.
bool threads_chosen(const std::vector<std::string>& arguments) {
  return std::getenv("OMP_NUM_THREADS") != nullptr ||
         std::any_of(arguments.begin(), arguments.end(),
                     [](const std::string& a) { return a == "--threads" || a.rfind("--threads=", 0) == 0; });
}

// The environment of rank `rank` of nproc: this process's, with the group's variables set
// anew, and OMP_NUM_THREADS set to `threads` unless the user chose the threads.
std::vector<std::string> rank_environment(int rank, int nproc, int port, bool user_threads, int threads) {
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string variable = *e;
    const std::string name = variable.substr(0, variable.find('='));
    static const char* const kOwn[] = {"RANK",        "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE",
                                       "MASTER_ADDR", "MASTER_PORT"};
    if (std::find(std::begin(kOwn), std::end(kOwn), name) == std::end(kOwn)) environment.push_back(variable);
  }
  environment.push_back("RANK=" + std::to_string(rank));
  environment.push_back("LOCAL_RANK=" + std::to_string(rank));
  environment.push_back("WORLD_SIZE=" + std::to_string(nproc));
  environment.push_back("LOCAL_WORLD_SIZE=" + std::to_string(nproc));
  environment.push_back("MASTER_ADDR=127.0.0.1");
  environment.push_back("MASTER_PORT=" + std::to_string(port));
  if (!user_threads) environment.push_back("OMP_NUM_THREADS=" + std::to_string(threads));
  return environment;
}

// The strings as execve() takes them: pointers into them, then a null pointer.
std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts a process per rank, each running this program with argv and the rank's
// environment; on a failure to start one, kills those started and throws.
// A rank dies with its launcher: the kernel sends it SIGKILL when the launcher exits,
// however it ends (SIGKILL included), so that no rank trains on alone and overwrites
// the output of a run the user saw fail. A launcher that died before the request took
// hold is caught by the check of the parent after it.
void start_ranks(int nproc, std::vector<char*>& argv, std::vector<std::vector<std::string>>& environments) {
  const pid_t launcher = getpid();
  for (int rank = 0; rank < nproc; ++rank) {
    auto envp = pointers(environments[rank]);
    const pid_t pid = fork();
    if (pid == 0) {
      if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != launcher) _exit(127);
      execve("/proc/self/exe", argv.data(), envp.data());
      _exit(127);
    }
    if (pid < 0) {
      kill_others(SIGKILL);
      throw Error("--nproc: could not start process " + std::to_string(rank));
    }
    children[rank] = pid;
    child_count = rank + 1;
  }
}

// Waits for the nproc children and returns the launch's status. The first failure decides
// it and ends the others: SIGTERM (they stop after their step), then SIGKILL for one that
// does not exit within 10 s.
int wait_for_ranks(int nproc) {
  int status = 0, running = nproc;
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  while (running > 0) {
    int wait_status = 0;
    const pid_t pid = waitpid(-1, &wait_status, kill_at ? WNOHANG : 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (pid == 0) {
      if (std::chrono::steady_clock::now() >= *kill_at) kill_others(SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    --running;
    const auto rank = std::find(children, children + nproc, pid) - children;
    if (rank < nproc) children[rank] = 0;
    const int child_status = status_of(wait_status);
    if (child_status != 0 && status == 0) {
      status = child_status;
      if (running > 0 && !signalled) {  // after a signal, the others are stopping already
        std::cerr << "hourglass: rank " << rank << " of " << nproc << " exited with status " << child_status
                  << "; stopping the other processes\n";
        kill_others(SIGTERM);
        kill_at = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      }
    }
  }
  return status;
}

}  // namespace

void DistributedFlags::add(CLI::App& command) {
  command
      .add_option("--nproc", nproc,
                  "train on N processes on this machine (data parallel through c10d/Gloo; --batch-size is per "
                  "process, a step sees N x it); torchrun launches work too")
      ->check(CLI::Range(1, kMaxProcesses));
  command
      .add_option("--dist-timeout", timeout_seconds,
                  "seconds a process waits for the others (start, each step) before the run fails (default 300)")
      ->check(kPositive);
  // The CPU is the one device of this build; CUDA needs a CUDA LibTorch and the NCCL path
  // (docs/distributed.md), which are not written yet.
  command.add_option_function<std::string>(
      "--device",
      [](const std::string& device) {
        if (device == "cpu") return;
        if (device.rfind("cuda", 0) == 0) {
          throw InvalidArgument("--device " + device +
                                ": this hourglass trains on the CPU only (CUDA and NCCL need a CUDA build of "
                                "LibTorch and are not supported yet); use --device cpu");
        }
        throw InvalidArgument("--device: expected cpu or cuda[:K], got '" + device + "'");
      },
      "cpu (the default; the only device of this build)");
}

std::optional<int> DistributedFlags::launch() const {
  if (nproc == 0) return std::nullopt;
  if (DistributedEnvironment::from_environment()) {
    throw InvalidArgument("--nproc starts the processes itself; leave it out under torchrun (RANK is set)");
  }
  if (!distributed_available()) {
    (void)join_process_group({}, std::chrono::seconds(1));  // throws "built without distributed support"
  }
  const auto arguments = rank_arguments();
  const int port = free_port();
  // N processes share the cores: each gets its share unless the user chose threads.
  const bool user_threads = threads_chosen(arguments);
  const int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / nproc);

  // Everything the children need is built before fork(): after it, only exec.
  std::vector<std::vector<std::string>> environments;
  for (int rank = 0; rank < nproc; ++rank) {
    environments.push_back(rank_environment(rank, nproc, port, user_threads, threads));
  }
  std::vector<std::string> argument_strings = arguments;
  auto argv = pointers(argument_strings);

  struct sigaction forward {};
  forward.sa_handler = forward_signal;
  sigemptyset(&forward.sa_mask);
  struct sigaction previous[std::size(kForwardedSignals)];
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) sigaction(kForwardedSignals[i], &forward, &previous[i]);

  child_count = 0;
  signalled = false;
  start_ranks(nproc, argv, environments);
  const int status = wait_for_ranks(nproc);
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) sigaction(kForwardedSignals[i], &previous[i], nullptr);
  child_count = 0;
  return status;
}

std::shared_ptr<ProcessGroup> DistributedFlags::join() const {
  const auto environment = DistributedEnvironment::from_environment();
  if (!environment) return nullptr;
  return join_process_group(*environment, std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000.0)));
}

}  // namespace hourglass::cli
