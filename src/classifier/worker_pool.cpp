#include "worker_pool.hpp"

#include <algorithm>

namespace openclawd::defender {

WorkerPool::WorkerPool(int threads) {
  for (int worker = 1; worker < std::max(1, threads); ++worker) {
    workers_.emplace_back([this, worker] { work(worker); });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : workers_) thread.join();
}

void WorkerPool::run(std::size_t count, const std::function<void(std::size_t, int)>& task) {
  if (count == 0) return;
  if (workers_.empty() || count == 1) {
    for (std::size_t index = 0; index < count; ++index) task(index, 0);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    task_ = &task;
    count_ = count;
    next_ = 0;
    finished_ = 0;
    ++generation_;
  }
  wake_.notify_all();
  drain(0);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return finished_ == count_; });
  task_ = nullptr;
}

// Takes tasks until none is left; the lock is held only to pick an index.
void WorkerPool::drain(int worker) {
  std::unique_lock lock(mutex_);
  while (task_ != nullptr && next_ < count_) {
    const std::size_t index = next_++;
    const auto* task = task_;
    lock.unlock();
    (*task)(index, worker);
    lock.lock();
    if (++finished_ == count_) done_.notify_all();
  }
}

void WorkerPool::work(int worker) {
  std::size_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
    }
    drain(worker);
  }
}

}  // namespace openclawd::defender
