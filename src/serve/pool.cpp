#include "serve/pool.hpp"

#include <thread>

namespace hourglass::serve {

ElasticPool::ElasticPool(size_t max_threads, std::chrono::seconds linger)
    : max_threads_(max_threads < 1 ? 1 : max_threads), linger_(linger) {}

ElasticPool::~ElasticPool() { shutdown(); }

void ElasticPool::enqueue(std::function<void()> task) {
  std::lock_guard<std::mutex> lock(mutex_);
  tasks_.push_back(std::move(task));
  // An idle thread takes it; otherwise a new one does while the bound allows, and past
  // the bound it waits for the first thread to finish its connection.
  if (idle_ >= tasks_.size() || threads_ >= max_threads_) {
    work_ready_.notify_one();
    return;
  }
  ++threads_;
  std::thread([this] { work(); }).detach();
}

void ElasticPool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_;
    const bool has_work = work_ready_.wait_for(lock, linger_, [this] { return stopping_ || !tasks_.empty(); });
    --idle_;
    if (tasks_.empty() && (stopping_ || !has_work)) break;
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
  // The last touch of the pool, under its lock: shutdown() cannot return (and the pool
  // cannot be destroyed) before this thread has let go of the mutex.
  --threads_;
  all_ended_.notify_all();
}

void ElasticPool::shutdown() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopping_ = true;
  work_ready_.notify_all();
  all_ended_.wait(lock, [this] { return threads_ == 0; });
}

size_t ElasticPool::threads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_;
}

}  // namespace hourglass::serve
