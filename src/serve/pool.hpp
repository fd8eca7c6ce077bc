// The threads that answer the web server's connections. cpp-httplib gives each
// connection a thread for as long as it is open: a request, the idle wait of a
// keep-alive socket, or a whole progress stream. A fixed pool lets a handful of open
// tabs and idle sockets hold every thread while ordinary requests queue behind them, so
// this one grows with the connections, up to a bound, and shrinks when they end.
//
//   http.new_task_queue = [] { return new ElasticPool(256); };
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace hourglass::serve {

class ElasticPool final : public httplib::TaskQueue {
 public:
  /// At most `max_threads` connections are served at once; more wait for a thread. A
  /// thread without work for `linger` ends.
  explicit ElasticPool(size_t max_threads, std::chrono::seconds linger = std::chrono::seconds(30));
  ~ElasticPool() override;

  void enqueue(std::function<void()> task) override;
  /// Runs the tasks already queued, then returns once every thread has ended.
  void shutdown() override;

  /// Threads alive now (for tests).
  size_t threads() const;

 private:
  void work();

  const size_t max_threads_;
  const std::chrono::seconds linger_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_, all_ended_;
  std::deque<std::function<void()>> tasks_;
  size_t threads_ = 0, idle_ = 0;
  bool stopping_ = false;
};

}  // namespace hourglass::serve
