// Signals for the commands that train. SIGINT (Ctrl-C), SIGTERM and SIGHUP ask training
// to stop after its batch; the command then saves its work and exits with 128 + the
// signal's number, the status a shell reports for a process the signal killed. While a
// StopSignals lives, and after one signal until the process exits, later signals only
// wait: a save is never cut short.
//
//   const StopSignals signals;
//   Model model = train(...);
//   model.save(path);
//   if (signals.received()) throw Interrupted{signals.exit_status()};
#pragma once

#include <string>

namespace hourglass::cli {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// The first signal received since construction, 0 when none.
  int received() const;
  /// 128 + received().
  int exit_status() const;
  /// The first signal's name, e.g. "SIGTERM".
  std::string name() const;
};

/// Turns the SIGBUS of reading a memory-mapped file that shrank under the map (the
/// library checks between chunks; this covers a truncation within one) into the usual
/// one-line error and status 2. For the whole process.
void report_bus_errors();

}  // namespace hourglass::cli
