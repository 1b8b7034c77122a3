#include "worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace openclawd::defender {
namespace {

TEST(WorkerPool, RunsEveryTaskOnceAndReturnsWhenAllAreDone) {
  WorkerPool pool(3);
  EXPECT_EQ(pool.size(), 3);
  for (std::size_t count : {0u, 1u, 2u, 3u, 17u, 1000u}) {
    std::vector<std::atomic<int>> runs(count);
    pool.run(count, [&](std::size_t index, int) {
      std::this_thread::yield();
      ++runs[index];
    });
    for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(runs[i].load(), 1) << count << "/" << i;
  }
}

TEST(WorkerPool, AWorkerIndexIsNeverUsedTwiceAtOnce) {
  WorkerPool pool(4);
  std::vector<std::atomic<int>> busy(4);
  std::atomic<int> overlaps{0};
  std::set<int> seen;
  std::mutex seen_mutex;
  pool.run(400, [&](std::size_t, int worker) {
    ASSERT_GE(worker, 0);
    ASSERT_LT(worker, 4);
    if (++busy[static_cast<std::size_t>(worker)] != 1) ++overlaps;
    {
      std::lock_guard lock(seen_mutex);
      seen.insert(worker);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    --busy[static_cast<std::size_t>(worker)];
  });
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(seen.size(), 2u);  // the work really is shared
}

TEST(WorkerPool, OneThreadRunsOnTheCaller) {
  WorkerPool pool(1);
  const auto caller = std::this_thread::get_id();
  int ran = 0;
  pool.run(5, [&](std::size_t, int worker) {
    EXPECT_EQ(worker, 0);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    ++ran;
  });
  EXPECT_EQ(ran, 5);
}

}  // namespace
}  // namespace openclawd::defender
