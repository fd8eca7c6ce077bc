#include "signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iterator>
#include <string>

#include "hourglass/train/train.hpp"

namespace hourglass::cli {
namespace {

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Written by the handler: lock-free, so async-signal-safe.
std::atomic<int> first_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the stop signal handler must be async-signal-safe");

struct sigaction previous_actions[3];

void on_stop_signal(int signal) {
  int none = 0;
  first_signal.compare_exchange_strong(none, signal);
  request_stop();
}

// Several threads may read the mapping when it shrinks; the first to fault writes the
// message and exits, the others wait for that exit (atomic_flag is lock-free).
std::atomic_flag bus_error_reported = ATOMIC_FLAG_INIT;

void on_bus_error(int) {
  if (bus_error_reported.test_and_set()) {
    for (;;) pause();
  }
  static const char message[] =
      "hourglass: error: a memory-mapped input file shrank while it was read; do not change an input file "
      "during a run\n";
  // write() and _exit() are async-signal-safe; nothing else may run here.
  [[maybe_unused]] const auto written = write(STDERR_FILENO, message, sizeof message - 1);
  _exit(2);
}

}  // namespace

StopSignals::StopSignals() {
  first_signal = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (int signal : kStopSignals) sigaddset(&action.sa_mask, signal);
  for (size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &action, &previous_actions[i]);
}

StopSignals::~StopSignals() {
  // After a signal the command is on its way out with 128 + it; a later one must not
  // turn that into a kill, so the handlers stay.
  if (received()) return;
  for (size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &previous_actions[i], nullptr);
}

int StopSignals::received() const { return first_signal; }

int StopSignals::exit_status() const { return 128 + received(); }

std::string StopSignals::name() const {
  switch (received()) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "signal " + std::to_string(received());
  }
}

void report_bus_errors() {
  struct sigaction action {};
  action.sa_handler = on_bus_error;
  sigemptyset(&action.sa_mask);
  sigaction(SIGBUS, &action, nullptr);
}

}  // namespace hourglass::cli
