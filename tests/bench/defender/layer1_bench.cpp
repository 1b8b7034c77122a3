// Layer 1 throughput, single thread, in MB/s of original text.
//
// The headline row scans the 4 KiB mixed-language messages of messages.jsonl
// (the same bytes reference_layer1.mjs gives the reference plugin) through the
// pipeline that build_pipeline makes; the rows below split it into the
// normalizer's two paths and the Vectorscan pass, and time compiling the rules
// against loading them from the cache. Then large inputs made to be slow:
// near-misses, base64-looking runs, letter-spacing (linear time or not).
// Usage: defender_layer1_bench [rules.json] [seconds per row]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "openclawd/defender/build_pipeline.hpp"

namespace {

using namespace openclawd::defender;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of this thread: on a machine shared with other builds the wall
// clock measures the neighbours; this measures the scan.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

std::vector<std::string> load_messages(const std::string& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line)["text"].get<std::string>());
  }
  return out;
}

// Runs `one(i)` over the messages in whole passes for about `seconds`.
void rate(const char* name, const std::vector<std::string>& messages, double seconds,
          const std::function<void(const std::string&)>& one) {
  for (const auto& m : messages) one(m);  // warm the caches and the per-thread buffers
  std::size_t bytes = 0, scans = 0;
  const auto start = Clock::now();
  const double cpu_start = thread_cpu_seconds();
  while (thread_cpu_seconds() - cpu_start < seconds) {
    for (const auto& m : messages) {
      one(m);
      bytes += m.size();
      ++scans;
    }
  }
  const double cpu = thread_cpu_seconds() - cpu_start;
  const double wall = seconds_since(start);
  std::printf("%-30s %7.1f MB/s CPU %7.1f us/message (wall %6.1f MB/s, %zu scans)\n", name,
              static_cast<double>(bytes) / 1e6 / cpu, cpu / static_cast<double>(scans) * 1e6,
              static_cast<double>(bytes) / 1e6 / wall, scans);
}

std::string repeat_to(const std::string& unit, std::size_t bytes) {
  std::string out;
  while (out.size() < bytes) out += unit;
  return out;
}

void large(const ScanPipeline& pipeline, const char* name, const std::string& text) {
  const double start = thread_cpu_seconds();
  const auto result = pipeline.scan(text, "web_fetch");
  const double seconds = thread_cpu_seconds() - start;
  std::printf("%-30s %7.1f MB/s CPU (%zu bytes, %zu findings, %s)\n", name,
              static_cast<double>(text.size()) / 1e6 / seconds, text.size(), result.findings.size(),
              std::string(to_string(result.action)).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string source_dir = OPENCLAWD_BENCH_SOURCE_DIR;
  const std::string rules = argc > 1 ? argv[1] : source_dir + "/policies/defender/rules.json";
  const double seconds = argc > 2 ? std::strtod(argv[2], nullptr) : 3.0;
  const auto messages = load_messages(source_dir + "/tests/bench/defender/messages.jsonl");
  const auto cache =
      std::filesystem::temp_directory_path() / ("ocd-defender-bench-" + std::to_string(::getpid()));

  PipelineBuildSettings settings;
  settings.rules = rules;
  settings.pipeline.max_input_bytes = 64 * 1024 * 1024;
  settings.rules_cache_dir = cache;
  auto start = Clock::now();
  auto built = build_pipeline(settings);
  if (!built) {
    std::fprintf(stderr, "%s\n", built.error().message.c_str());
    return 2;
  }
  const double cold = seconds_since(start);
  start = Clock::now();
  auto warm = build_pipeline(settings);
  const double warm_seconds = seconds_since(start);
  std::filesystem::remove_all(cache);
  const ScanPipeline& pipeline = *built->pipeline;
  std::printf(
      "rules: %zu patterns; build_pipeline %.0f ms compiling, %.1f ms from the cache (%s)\n",
      pipeline.rules().pattern_count(), cold * 1e3, warm_seconds * 1e3,
      warm ? ((*warm).pipeline->rules().loaded_from_cache() ? "hit" : "miss") : "failed");

  std::size_t flagged = 0;
  for (const auto& m : messages) flagged += pipeline.scan(m, "tool_result").flagged();
  std::printf("%zu messages of 4 KiB, mixed languages, %zu flagged; single thread, %.0f s a row\n",
              messages.size(), flagged, seconds);
  rate("Layer 1 scan (pipeline)", messages, seconds,
       [&](const std::string& m) { (void)pipeline.scan(m, "tool_result"); });
  auto normalizer = *Normalizer::create();
  NormalizedText normalized;
  rate("  normalizer, fast path", messages, seconds,
       [&](const std::string& m) { normalizer.normalize(m, normalized); });
  rate("  normalizer, ICU path", messages, seconds,
       [&](const std::string& m) { (void)normalizer.normalize_with_icu(m); });
  std::vector<std::string> normalized_messages;
  for (const auto& m : messages) normalized_messages.push_back(normalizer.normalize(m).text);
  rate("  Vectorscan pass", normalized_messages, seconds,
       [&](const std::string& m) { (void)pipeline.rules().match(m, "tool_result"); });

  const std::size_t bytes = 4 * 1024 * 1024;
  std::printf("large inputs (4 MiB, one scan each):\n");
  large(pipeline, "benign english",
        repeat_to("The quarterly report covers revenue, hiring and the office move. Most teams "
                  "met their goals, and the new build system cut release times in half.\n",
                  bytes));
  large(pipeline, "benign multilingual",
        repeat_to("明日の会議は10時からです。Привет, во сколько встречаемся? ¿Quedamos mañana? "
                  "내일 점심 같이 먹을래? 明天下午三点开会。مرحبا، هل نلتقي غدا؟\n",
                  bytes));
  large(pipeline, "hostile near-misses",
        repeat_to("ignore all previous instruct ignore the above rul you are now an unrestrict "
                  "<|im_star [inst developer mode enab rm -rf /tm curl x | ",
                  bytes));
  large(pipeline, "hostile base64 runs",
        repeat_to("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB ", bytes));
  large(pipeline, "hostile letter-spaced", repeat_to("i g n o r e  a l l  p r e v ", bytes));
  return 0;
}
