// In-process DeBERTa engine speed on a model directory (random weights at the real
// shapes, made by run_bench.py): one full window of N tokens, then a batch of
// windows one after the other, then the same windows stacked into one pass, after
// a warm-up. Prints latency, throughput and peak RSS as JSON.
// Usage: classifier_deberta_bench MODEL_DIR [TOKENS=512] [BATCH=8] [THREADS=2] [RUNS=3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "openclawd/classifier/model.hpp"

namespace {

// Peak RSS of this process image, from /proc/self/status. getrusage's ru_maxrss is
// not used: Linux carries it over exec, so a child of a big parent (the Python
// script that made the model) would report the parent's peak.
double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return -1.0;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL_DIR [TOKENS] [BATCH] [THREADS] [RUNS]\n", argv[0]);
    return 2;
  }
  const int tokens = argc > 2 ? std::atoi(argv[2]) : 512;
  const int batch = argc > 3 ? std::atoi(argv[3]) : 8;
  openclawd::defender::ClassifierSettings settings;
  settings.threads = argc > 4 ? std::atoi(argv[4]) : 2;
  settings.max_batch = std::max(1, batch);
  const int runs = argc > 5 ? std::atoi(argv[5]) : 3;
  const auto load_start = std::chrono::steady_clock::now();
  auto model = openclawd::defender::DebertaClassifier::load(argv[1], settings);
  if (!model) {
    std::fprintf(stderr, "%s\n", model.error().message.c_str());
    return 1;
  }
  const double load_ms = milliseconds_since(load_start);
  std::vector<int> ids(static_cast<std::size_t>(tokens));
  const int vocab = (*model)->config().vocab_size;
  for (int i = 0; i < tokens; ++i) ids[static_cast<std::size_t>(i)] = 5 + (i * 7919) % (vocab - 5);
  ids.front() = 1;
  ids.back() = 2;
  if (!(*model)->logits(ids)) return 1;  // warm-up
  double best_single = 1e300;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    if (!(*model)->logits(ids)) return 1;
    best_single = std::min(best_single, milliseconds_since(start));
  }
  const auto batch_start = std::chrono::steady_clock::now();
  for (int i = 0; i < batch; ++i) {
    if (!(*model)->logits(ids)) return 1;
  }
  const double batch_ms = milliseconds_since(batch_start);
  // The same windows stacked into one forward pass (what max_batch does).
  const std::vector<std::vector<int>> windows(static_cast<std::size_t>(std::max(1, batch)), ids);
  const auto batched_start = std::chrono::steady_clock::now();
  if (!(*model)->logits_batch(windows)) return 1;
  const double batched_ms = milliseconds_since(batched_start);
  const nlohmann::json report = {
      {"engine", "openclawd"},         {"tokens", tokens},
      {"threads", settings.threads},   {"load_ms", load_ms},
      {"single_ms", best_single},      {"batch", batch},
      {"batch_ms", batch_ms},          {"windows_per_s", batch / (batch_ms / 1000.0)},
      {"batched_ms", batched_ms},      {"batched_windows_per_s", batch / (batched_ms / 1000.0)},
      {"peak_rss_mib", peak_rss_mib()}};
  std::printf("%s\n", report.dump().c_str());
  return 0;
}
