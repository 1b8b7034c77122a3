// Layer 1 (normalizer + rule engine) throughput, single thread, in MB/s of
// original text: benign prose, benign multilingual text, and hostile text made
// of long runs that almost match rules (prefixes of attacks, base64-looking
// runs, letter-spaced words). Usage: defender_layer1_bench [rules.json] [MiB]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "openclawd/defender/scan.hpp"

namespace {

using namespace openclawd::defender;

std::string repeat_to(const std::string& unit, std::size_t bytes) {
  std::string out;
  out.reserve(bytes + unit.size());
  while (out.size() < bytes) out += unit;
  return out;
}

void measure(const ScanPipeline& pipeline, const char* name, const std::string& text) {
  const auto start = std::chrono::steady_clock::now();
  const auto result = pipeline.scan(text, "web_fetch");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-22s %8.2f MB/s  (%zu bytes in %.3f s, %zu findings, action %s)\n", name,
              static_cast<double>(text.size()) / 1e6 / seconds, text.size(), seconds,
              result.findings.size(), std::string(to_string(result.action)).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string rules =
      argc > 1 ? argv[1]
               : std::string(OPENCLAWD_BENCH_SOURCE_DIR) + "/policies/defender/rules.json";
  const std::size_t bytes = (argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 4) * 1024 * 1024;
  PipelineSettings settings;
  settings.max_input_bytes = bytes * 2;
  auto pipeline = ScanPipeline::from_rules_file(rules, settings);
  if (!pipeline) {
    std::fprintf(stderr, "%s\n", pipeline.error().message.c_str());
    return 2;
  }
  std::printf("Layer 1 throughput, %zu patterns, single thread\n",
              (*pipeline)->rules().pattern_count());
  measure(**pipeline, "benign english",
          repeat_to("The quarterly report covers revenue, hiring and the office move. Most teams "
                    "met their goals, and the new build system cut release times in half.\n",
                    bytes));
  measure(**pipeline, "benign multilingual",
          repeat_to("明日の会議は10時からです。Привет, во сколько встречаемся? ¿Quedamos mañana? "
                    "내일 점심 같이 먹을래? 明天下午三点开会。مرحبا، هل نلتقي غدا؟\n",
                    bytes));
  measure(**pipeline, "hostile near-misses",
          repeat_to("ignore all previous instruct ignore the above rul you are now an unrestrict "
                    "<|im_star [inst developer mode enab rm -rf /tm curl x | ",
                    bytes));
  measure(**pipeline, "hostile base64 runs",
          repeat_to("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB ", bytes));
  measure(**pipeline, "hostile letter-spaced", repeat_to("i g n o r e  a l l  p r e v ", bytes));
  return 0;
}
