// The web server's connection threads: as many as the connections, up to a bound.
#include "serve/pool.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace hourglass::serve {
namespace {

// Tasks that block until released, counting how many have started and ended.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0, ended = 0;
  bool open = false;

  std::function<void()> task() {
    return [this] {
      std::unique_lock<std::mutex> lock(mutex);
      ++started;
      changed.notify_all();
      changed.wait(lock, [this] { return open; });
      ++ended;
      changed.notify_all();
    };
  }
  template <typename Condition>
  void wait(Condition condition) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, condition);
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    open = true;
    changed.notify_all();
  }
};

TEST(ElasticPool, GrowsWithItsTasksUpToItsBoundThenShrinks) {
  Gate gate;  // outlives the pool's threads
  ElasticPool pool(3, std::chrono::seconds(0));
  EXPECT_EQ(pool.threads(), 0u);  // none until there is work
  for (int i = 0; i < 5; ++i) pool.enqueue(gate.task());
  gate.wait([&] { return gate.started == 3; });
  EXPECT_EQ(pool.threads(), 3u);  // the bound: two tasks wait for a thread
  EXPECT_EQ(gate.started, 3);
  gate.release();
  gate.wait([&] { return gate.ended == 5; });
  // Without lingering, each thread ends once there is nothing left to do.
  while (pool.threads() > 0) std::this_thread::yield();
  pool.enqueue(gate.task());  // and a new one starts for new work
  gate.wait([&] { return gate.ended == 6; });
}

TEST(ElasticPool, ShutdownRunsWhatIsQueuedAndWaitsForIt) {
  Gate gate;
  {
    ElasticPool pool(1);
    for (int i = 0; i < 4; ++i) pool.enqueue(gate.task());
    gate.wait([&] { return gate.started == 1; });
    gate.release();
    pool.shutdown();
    EXPECT_EQ(gate.ended, 4);
    EXPECT_EQ(pool.threads(), 0u);
  }
  EXPECT_EQ(gate.ended, 4);
}

}  // namespace
}  // namespace hourglass::serve
