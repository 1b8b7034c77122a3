// dnsperf against the same real unbound twice in one run: straight, and
// through openclawd's resolver (which forwards to it via libunbound). All
// names are answered from cache (a warm-up pass first). Prints qps, latency
// and the ratio; it is a benchmark, not a test: it asserts nothing.
//
//   dns_bench [seconds=5] [clients=4]
#include <cstdio>
#include <regex>
#include <string>

#include "integration/dns/running_resolver.hpp"
#include "integration/dns/upstream_unbound.hpp"

namespace {

using openclawd::testing::run_command;

struct PerfResult {
  double qps = 0;
  double avg_latency_ms = 0;
  double max_latency_ms = 0;
  std::string lost;
  std::string raw;
};

double number_after(const std::string& text, const std::string& label) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(label + R"(\s*([0-9.]+))"))) return std::stod(m[1]);
  return -1;
}

PerfResult dnsperf(std::uint16_t port, const std::string& data, int seconds, int clients) {
  auto r =
      run_command({"dnsperf", "-s", "127.0.0.1", "-p", std::to_string(port), "-d", data, "-l",
                   std::to_string(seconds), "-c", std::to_string(clients), "-T", "1", "-q", "100"},
                  std::chrono::seconds(seconds + 30));
  PerfResult p;
  p.raw = r.out + r.err;
  p.qps = number_after(p.raw, R"(Queries per second:)");
  p.avg_latency_ms = number_after(p.raw, R"(Average Latency \(s\):)") * 1000.0;
  p.max_latency_ms = number_after(p.raw, R"(max )") * 1000.0;
  std::smatch m;
  if (std::regex_search(p.raw, m, std::regex(R"(Queries lost:\s*([^\n]+))"))) p.lost = m[1];
  return p;
}

void print(const char* what, const PerfResult& p) {
  std::printf("%-28s %10.0f qps   avg latency %.3f ms   max %.3f ms   lost %s\n", what, p.qps,
              p.avg_latency_ms, p.max_latency_ms, p.lost.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
  const int clients = argc > 2 ? std::atoi(argv[2]) : 4;
  openclawd::dns::testing::UpstreamUnbound upstream;
  if (!upstream.ready()) {
    std::fprintf(stderr, "upstream unbound did not start:\n%s\n", upstream.log().c_str());
    return 1;
  }
  openclawd::testing::TempDir dir;
  std::string queries;
  for (int i = 0; i < 200; ++i) queries += "n" + std::to_string(i) + ".example A\n";
  const auto data = dir.write("queries.txt", queries);

  openclawd::dns::ResolverSettings settings;
  settings.listen = {{"127.0.0.1", 0}};
  settings.forwarders = {upstream.forwarder()};
  settings.clients = {{"127.0.0.0", 8}};
  settings.guests = {{"bench", "127.0.0.1"}};
  settings.rate_limit_qps = 0;            // measure the resolver, not the limiter
  settings.log_file = dir / "dns.jsonl";  // logging stays on: it is part of the cost
  openclawd::dns::testing::RunningResolver resolver(settings, nullptr);
  if (auto started = resolver.start(); !started) {
    std::fprintf(stderr, "resolver: %s\n", started.error().message.c_str());
    return 1;
  }
  // Warm both caches.
  (void)dnsperf(upstream.port(), data.string(), 1, 1);
  (void)dnsperf(resolver.port(), data.string(), 1, 1);

  const auto direct = dnsperf(upstream.port(), data.string(), seconds, clients);
  const auto through = dnsperf(resolver.port(), data.string(), seconds, clients);
  std::printf("dnsperf, %d s, %d clients, 200 cached names, same machine, same run\n", seconds,
              clients);
  print("unbound direct", direct);
  print("through openclawd", through);
  if (direct.qps > 0 && through.qps > 0) {
    std::printf("ratio openclawd/unbound: qps %.2f, avg latency %.2f\n", through.qps / direct.qps,
                through.avg_latency_ms / direct.avg_latency_ms);
  } else {
    std::printf("dnsperf output:\n%s\n%s\n", direct.raw.c_str(), through.raw.c_str());
    return 1;
  }
  const auto status = resolver.status();
  std::printf("openclawd counters: %s\n", status.dump().c_str());
  return 0;
}
