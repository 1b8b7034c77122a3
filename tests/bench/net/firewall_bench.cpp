// Firewall cost against the nft binary doing the same work, in one run, in a
// network namespace of its own (needs root):
//   1. compile + commit the reference ruleset (replace of openclawd's tables)
//   2. add 10 000 elements to a VM's allowlist set
// The element addresses (198.18.0.0/15, the benchmarking range) are only set
// keys; no packet is sent.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "../../integration/net/netns.hpp"
#include "../../unit/net/reference_settings.hpp"
#include "common/temp_dir.hpp"
#include "openclawd/net/firewall.hpp"

using namespace openclawd::net;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void report(const char* what, int rounds, double ours_ms, double nft_ms) {
  std::printf("%-40s openclawd %8.2f ms   nft -f %8.2f ms   nft/openclawd %.2fx\n", what,
              ours_ms / rounds, nft_ms / rounds, nft_ms / ours_ms);
}

}  // namespace

int main() {
  if (::geteuid() != 0) {
    std::printf("net firewall bench: needs root (network namespace), skipped\n");
    return 0;
  }
  testing::Namespaces namespaces;
  const std::string ns = namespaces.add("ocd-net-bench-" + std::to_string(::getpid()));
  openclawd::testing::TempDir dir;
  const auto settings = testing::reference_settings();
  constexpr int kRounds = 20;
  constexpr int kElements = 10000;

  auto compiled = compile_ruleset(settings);
  if (!compiled) {
    std::fprintf(stderr, "%s\n", compiled.error().message.c_str());
    return 1;
  }
  // The same atomic replace, as an nft script.
  const auto ruleset_file = dir.path() / "ruleset.nft";
  std::ofstream(ruleset_file) << "table bridge openclawd {}\ndelete table bridge openclawd\n"
                              << "table inet openclawd {}\ndelete table inet openclawd\n"
                              << render_text(*compiled);
  const auto elements_file = dir.path() / "elements.nft";
  std::vector<Ipv4Address> addresses;
  {
    std::ofstream out(elements_file);
    out << "add element inet openclawd allow_openclaw {";
    for (int i = 0; i < kElements; ++i) {
      const Ipv4Address a{(198u << 24 | 18u << 16) + static_cast<std::uint32_t>(i)};
      addresses.push_back(a);
      out << (i ? ", " : " ") << a.to_string() << " timeout 90s";
    }
    out << " }\n";
  }
  const std::string nft = "ip netns exec " + ns + " nft -f ";

  double ours = 0, theirs = 0;
  {
    testing::EnterNetns inside(ns);
    for (int i = 0; i < kRounds; ++i) {
      const auto start = Clock::now();
      auto ruleset = compile_ruleset(settings);
      auto firewall = make_netlink_firewall(std::chrono::seconds(30));
      if (!ruleset || !firewall->apply(*ruleset)) return 1;
      ours += ms_since(start);
    }
  }
  for (int i = 0; i < kRounds; ++i) {
    const auto start = Clock::now();
    testing::must(nft + ruleset_file.string());
    theirs += ms_since(start);
  }
  report("compile + commit ruleset", kRounds, ours, theirs);

  constexpr int kSetRounds = 5;
  ours = theirs = 0;
  for (int i = 0; i < kSetRounds; ++i) {
    testing::EnterNetns inside(ns);
    auto firewall = make_netlink_firewall(std::chrono::seconds(30));
    if (!firewall->apply(*compiled)) return 1;  // empty sets, not timed
    const auto start = Clock::now();
    if (auto status = firewall->allow_destinations("openclaw", addresses, std::chrono::seconds(60));
        !status) {
      std::fprintf(stderr, "%s\n", status.error().message.c_str());
      return 1;
    }
    ours += ms_since(start);
  }
  for (int i = 0; i < kSetRounds; ++i) {
    {
      testing::EnterNetns inside(ns);
      if (!make_netlink_firewall(std::chrono::seconds(30))->apply(*compiled)) return 1;
    }
    const auto start = Clock::now();
    testing::must(nft + elements_file.string());
    theirs += ms_since(start);
  }
  report("add 10000 allowlist set elements", kSetRounds, ours, theirs);
  const auto count = testing::sh("ip netns exec " + ns +
                                 " nft list set inet openclawd allow_openclaw | grep -o expires "
                                 "| wc -l")
                         .out;
  std::printf("elements in the set after the last round (nft list): %s", count.c_str());

  // One address at a time, as the DNS resolver adds them.
  {
    testing::EnterNetns inside(ns);
    auto firewall = make_netlink_firewall(std::chrono::seconds(30));
    if (!firewall->apply(*compiled)) return 1;
    const auto start = Clock::now();
    for (int i = 0; i < 1000; ++i) {
      if (!firewall->allow_destination("openclaw", addresses[i], std::chrono::seconds(60)))
        return 1;
    }
    std::printf("%-40s openclawd %8.3f ms each\n", "allow_destination, one at a time",
                ms_since(start) / 1000);
  }
  // What part of the nft figures is only starting a process in the namespace.
  {
    const auto start = Clock::now();
    for (int i = 0; i < kRounds; ++i) testing::must("ip netns exec " + ns + " true");
    std::printf("%-40s %8.2f ms (included in the nft -f figures)\n",
                "process start (ip netns exec true)", ms_since(start) / kRounds);
  }
  return 0;
}
