#pragma once
// A fixed set of threads one classifier engine owns, so its `threads` setting is
// its own: OpenBLAS runs single-threaded and the engine splits each step of the
// forward pass (columns of a projection, attention heads, rows) itself. The
// calling thread works too, so `threads` is the number of cores a pass uses.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace openclawd::defender {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls task(index, worker) for every index in [0, count) and returns when all
  // are done. `worker` is in [0, size()): tasks with the same worker never run at
  // the same time, so it can pick per-thread scratch memory. One run at a time:
  // callers serialise (the engine holds a lock around each forward pass).
  void run(std::size_t count, const std::function<void(std::size_t, int)>& task);

 private:
  void work(int worker);
  void drain(int worker);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(std::size_t, int)>* task_ = nullptr;
  std::size_t count_ = 0;
  std::size_t next_ = 0;
  std::size_t finished_ = 0;
  std::size_t generation_ = 0;
  bool stopping_ = false;
};

}  // namespace openclawd::defender
