// The DNS frontend against Debian's real unbound as upstream, queried by the
// real dig/kdig: from loopback (no root needed) and from a guest in a network
// namespace (root).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "openclawd/dns/server.hpp"
#include "running_resolver.hpp"
#include "unit/dns/wire_builder.hpp"
#include "upstream_unbound.hpp"

namespace openclawd::dns {
namespace {

using openclawd::dns::testing::RunningResolver;
using openclawd::dns::testing::WireBuilder;
using openclawd::testing::run_command;
using openclawd::testing::TempDir;

// Addresses allowlisted by the resolver; the net module's nft adapter takes
// this place in the daemon.
struct RecordingSink : AllowlistSink {
  Status allow(const std::string& vm, const std::string& /*qname*/, const std::string& address,
               std::chrono::seconds timeout) override {
    std::lock_guard lock(mutex);
    calls.push_back(vm + " " + address + " " + std::to_string(timeout.count()));
    return ok_status();
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return calls;
  }
  std::mutex mutex;
  std::vector<std::string> calls;
};

std::vector<nlohmann::json> read_log(const std::filesystem::path& file) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

nlohmann::json last_for(const std::filesystem::path& file, const std::string& qname) {
  nlohmann::json found;
  for (auto& line : read_log(file)) {
    if (line["qname"] == qname) found = line;
  }
  return found;
}

class ResolverWithUnbound : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command({"unbound", "-V"}).exit_code != 0) GTEST_SKIP() << "unbound not installed";
    ASSERT_TRUE(upstream_.ready()) << "upstream unbound did not start:\n" << upstream_.log();
    policy_ = dir_.write("dns.json", R"({
      "default": {"deny": ["*.blocked.example"]},
      "vms": {"openclaw": {"allow": ["*.example"], "deny": ["*.blocked.example"]}}
    })");
  }

  ResolverSettings settings() {
    ResolverSettings s;
    s.listen = {{"127.0.0.1", 0}};
    s.forwarders = {upstream_.forwarder()};
    s.policy_file = policy_;
    s.clients = {{"192.168.83.0", 24}};
    // 127.0.0.1 stands for a guest on the loopback; 127.0.0.2 is no guest.
    s.guests = {{"loopguest", "127.0.0.1"}, {"openclaw", "192.168.83.10"}};
    s.log_file = dir_ / "dns.jsonl";
    s.allowlist_grace = std::chrono::seconds(10);
    return s;
  }

  openclawd::dns::testing::UpstreamUnbound upstream_;
  TempDir dir_;
  std::filesystem::path policy_;
  RecordingSink sink_;
};

std::vector<std::string> dig(std::uint16_t port, std::vector<std::string> extra) {
  std::vector<std::string> argv = {"dig",     "@127.0.0.1", "-p", std::to_string(port),
                                   "+time=3", "+tries=1"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

TEST_F(ResolverWithUnbound, AnswersFromUpstreamAndLogsIt) {
  RunningResolver resolver(settings(), &sink_);
  ASSERT_TRUE(resolver.start());
  auto r = run_command(dig(resolver.port(), {"www.example", "A"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("status: NOERROR"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("192.0.2.10"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" ra"), std::string::npos) << r.out;

  auto line = last_for(dir_ / "dns.jsonl", "www.example");
  ASSERT_FALSE(line.is_null());
  EXPECT_EQ(line["vm"], "loopguest");
  EXPECT_EQ(line["action"], "answered");
  EXPECT_EQ(line["rcode"], "NOERROR");
  EXPECT_EQ(line["answers"], nlohmann::json({"192.0.2.10"}));
  EXPECT_EQ(line["qtype"], "A");
  EXPECT_EQ(line["transport"], "udp");
  EXPECT_GT(line["ttl"].get<int>(), 0);
  EXPECT_LE(line["ttl"].get<int>(), 300);
  EXPECT_EQ(line["cached"], false);

  // Repeats come from libunbound's cache.
  r = run_command(dig(resolver.port(), {"www.example", "A"}));
  EXPECT_NE(r.out.find("192.0.2.10"), std::string::npos);
  EXPECT_EQ(last_for(dir_ / "dns.jsonl", "www.example")["cached"], true);

  // The allowlist saw the address before the answer went out.
  auto calls = sink_.snapshot();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls[0].rfind("loopguest 192.0.2.10 ", 0), 0u) << calls[0];

  // kdig, AAAA and a CNAME chain.
  auto k = run_command({"kdig", "@127.0.0.1", "-p", std::to_string(resolver.port()), "+short",
                        "alias.example", "AAAA"});
  EXPECT_NE(k.out.find("2001:db8::10"), std::string::npos) << k.out << k.err;
  EXPECT_EQ(resolver.status()["vms"]["loopguest"]["answered"], 3);
}

// The UDP frontend reads datagrams in batches (recvmmsg) and sends the replies
// that are ready at once together (sendmmsg): a burst of several batches from
// one socket must still give every query its own reply and one log line.
TEST_F(ResolverWithUnbound, UdpBurstOfSeveralBatchesAnswersAndLogsEachQueryOnce) {
  auto s = settings();
  s.rate_limit_qps = 0;
  RunningResolver resolver(s, &sink_);
  ASSERT_TRUE(resolver.start());

  const std::vector<std::pair<std::string, std::uint16_t>> kinds = {
      {"www.example", 1}, {"alias.example", 28}, {"x.blocked.example", 1}};
  constexpr int kQueries = 150;  // more than four batches of 32
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  int rcvbuf = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  ::sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(resolver.port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::map<std::uint16_t, std::string> sent;
  std::map<std::string, int> per_name;
  for (int i = 0; i < kQueries; ++i) {
    const auto id = static_cast<std::uint16_t>(1000 + i);
    const auto& [name, qtype] = kinds[static_cast<std::size_t>(i) % kinds.size()];
    const auto query = openclawd::dns::testing::make_query(id, name, qtype);
    ASSERT_EQ(
        ::sendto(fd, query.data(), query.size(), 0, reinterpret_cast<::sockaddr*>(&to), sizeof(to)),
        static_cast<ssize_t>(query.size()));
    sent[id] = name;
    ++per_name[name];
  }

  std::map<std::uint16_t, int> replies;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (replies.size() < sent.size() && std::chrono::steady_clock::now() < deadline) {
    ::pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    std::array<std::uint8_t, 4096> buf{};
    const auto n = ::recv(fd, buf.data(), buf.size(), 0);
    ASSERT_GT(n, 12);
    const auto id = static_cast<std::uint16_t>(buf[0] << 8 | buf[1]);
    ASSERT_TRUE(sent.count(id)) << "reply with an id never sent: " << id;
    ++replies[id];
    // The question echoed back is the one sent with this id.
    const auto expected = openclawd::dns::testing::make_query(id, sent[id], 1);
    const std::size_t name_bytes = expected.size() - 12 - 4;
    ASSERT_GE(static_cast<std::size_t>(n), 12 + name_bytes);
    EXPECT_TRUE(
        std::equal(expected.begin() + 12, expected.begin() + 12 + name_bytes, buf.begin() + 12))
        << "reply " << id << " does not carry the question " << sent[id];
  }
  ::close(fd);
  ASSERT_EQ(replies.size(), sent.size());
  for (const auto& [id, count] : replies) EXPECT_EQ(count, 1) << "id " << id;

  // An upstream answer is logged just after its reply leaves: give the last
  // line a moment, then require exactly one line per query.
  std::map<std::string, int> logged;
  const auto log_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    logged.clear();
    for (const auto& line : read_log(dir_ / "dns.jsonl")) {
      if (line["transport"] == "udp") ++logged[line["qname"].get<std::string>()];
    }
    if (logged == per_name) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < log_deadline);
  EXPECT_EQ(logged, per_name);
}

TEST_F(ResolverWithUnbound, NxdomainBlockedAndStrangers) {
  RunningResolver resolver(settings(), &sink_);
  ASSERT_TRUE(resolver.start());
  auto nx = run_command(dig(resolver.port(), {"missing.example", "A"}));
  EXPECT_NE(nx.out.find("status: NXDOMAIN"), std::string::npos) << nx.out;
  EXPECT_NE(nx.out.find("SOA"), std::string::npos) << nx.out;  // authority relayed
  EXPECT_EQ(last_for(dir_ / "dns.jsonl", "missing.example")["rcode"], "NXDOMAIN");

  // Upstream would answer x.blocked.example; the policy must stop it.
  auto blocked = run_command(dig(resolver.port(), {"x.blocked.example", "A"}));
  EXPECT_NE(blocked.out.find("status: NXDOMAIN"), std::string::npos) << blocked.out;
  EXPECT_EQ(blocked.out.find("192.0.2.66"), std::string::npos) << blocked.out;
  auto line = last_for(dir_ / "dns.jsonl", "x.blocked.example");
  EXPECT_EQ(line["action"], "blocked");
  EXPECT_EQ(line["rule"], "deny:*.blocked.example");
  for (const auto& call : sink_.snapshot()) EXPECT_EQ(call.find("192.0.2.66"), std::string::npos);

  auto stranger = run_command(dig(resolver.port(), {"-b", "127.0.0.2", "www.example", "A"}));
  EXPECT_NE(stranger.out.find("status: REFUSED"), std::string::npos) << stranger.out;
  line = last_for(dir_ / "dns.jsonl", "www.example");
  EXPECT_EQ(line["action"], "refused");
  EXPECT_EQ(line["rule"], "client-not-allowed");
  EXPECT_EQ(line["client"].get<std::string>().rfind("127.0.0.2:", 0), 0u);
}

TEST_F(ResolverWithUnbound, RefusedIsTheConfiguredAnswerForDeniedNames) {
  auto s = settings();
  s.denied_answer = DeniedAnswer::refused;
  RunningResolver resolver(s, &sink_);
  ASSERT_TRUE(resolver.start());
  auto r = run_command(dig(resolver.port(), {"x.blocked.example", "A"}));
  EXPECT_NE(r.out.find("status: REFUSED"), std::string::npos) << r.out;
}

TEST_F(ResolverWithUnbound, TruncatesOverUdpAndDigRetriesOverTcp) {
  RunningResolver resolver(settings(), &sink_);
  ASSERT_TRUE(resolver.start());
  // Without EDNS the limit is 512 bytes; 100 A records do not fit.
  auto udp_only = run_command(dig(resolver.port(), {"+noedns", "+ignore", "big.example", "A"}));
  EXPECT_NE(udp_only.out.find(" tc"), std::string::npos) << udp_only.out;
  EXPECT_NE(udp_only.out.find("ANSWER: 0"), std::string::npos) << udp_only.out;

  auto retried = run_command(dig(resolver.port(), {"+noedns", "big.example", "A"}));
  EXPECT_NE(retried.out.find("ANSWER: 100"), std::string::npos) << retried.out;
  auto line = last_for(dir_ / "dns.jsonl", "big.example");
  EXPECT_EQ(line["transport"], "tcp");
  EXPECT_EQ(line["answers"].size(), 100u);

  // EDNS with a 1232-byte buffer: 100 * 16 bytes still does not fit.
  auto edns = run_command(dig(resolver.port(), {"+bufsize=1232", "+ignore", "big.example", "A"}));
  EXPECT_NE(edns.out.find(" tc"), std::string::npos) << edns.out;
  EXPECT_NE(edns.out.find("udp: 1232"), std::string::npos) << edns.out;
}

// Raw TCP: two pipelined queries in one write, answered both; then an
// oversized frame closes the connection and is counted.
TEST_F(ResolverWithUnbound, TcpPipeliningAndOversizedFrames) {
  RunningResolver resolver(settings(), &sink_);
  ASSERT_TRUE(resolver.start());
  auto connect = [&] {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(resolver.port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
  };
  auto frame = [](std::uint16_t id, const std::string& name) {
    WireBuilder b;
    b.header(id, 0x0100, 1, 0, 0, 0).name(name).u16(kTypeA).u16(1);
    Bytes out = {static_cast<std::uint8_t>(b.bytes.size() >> 8),
                 static_cast<std::uint8_t>(b.bytes.size() & 0xff)};
    out.insert(out.end(), b.bytes.begin(), b.bytes.end());
    return out;
  };
  auto read_exact = [](int fd, std::size_t n) {
    Bytes out(n);
    std::size_t got = 0;
    while (got < n) {
      auto r = ::read(fd, out.data() + got, n - got);
      if (r <= 0) return Bytes{};
      got += static_cast<std::size_t>(r);
    }
    return out;
  };
  int fd = connect();
  Bytes both = frame(0x1111, "www.example");
  Bytes second = frame(0x2222, "n7.example");
  both.insert(both.end(), second.begin(), second.end());
  ASSERT_EQ(::write(fd, both.data(), both.size()), static_cast<ssize_t>(both.size()));
  std::set<std::uint16_t> ids;
  for (int i = 0; i < 2; ++i) {
    auto length = read_exact(fd, 2);
    ASSERT_EQ(length.size(), 2u);
    auto body = read_exact(fd, (std::size_t{length[0]} << 8) | length[1]);
    auto message = parse_message(body);
    ASSERT_TRUE(message);
    EXPECT_EQ(message->rcode(), 0);
    EXPECT_EQ(message->answers.size(), 1u);
    ids.insert(message->id);
  }
  EXPECT_EQ(ids, (std::set<std::uint16_t>{0x1111, 0x2222}));
  // A 60000-byte "query": the resolver hangs up without reading it.
  const std::uint8_t huge[] = {0xea, 0x60, 0, 0, 0, 0};
  ASSERT_EQ(::write(fd, huge, sizeof(huge)), 6);
  char byte;
  EXPECT_EQ(::read(fd, &byte, 1), 0);
  ::close(fd);
  EXPECT_EQ(resolver.status()["malformed"], 1);

  // Garbage over UDP is dropped and counted; the resolver keeps serving.
  int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(resolver.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::uint8_t loop[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
  ::sendto(udp, loop, sizeof(loop), 0, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::close(udp);
  auto after = run_command(dig(resolver.port(), {"+short", "www.example"}));
  EXPECT_NE(after.out.find("192.0.2.10"), std::string::npos);
  EXPECT_EQ(resolver.status()["malformed"], 2);
}

// A guest in its own network namespace asks over a veth; a second address
// on the same link that is not a guest is refused. Needs root.
class NetnsPair {
 public:
  explicit NetnsPair(const std::string& tag)
      : host_("ocd-dns-h-" + tag), guest_("ocd-dns-g-" + tag) {
    const std::vector<std::vector<std::string>> setup = {
        {"ip", "netns", "add", host_},
        {"ip", "netns", "add", guest_},
        {"ip", "-n", host_, "link", "add", "ocdh0", "type", "veth", "peer", "name", "ocdg0",
         "netns", guest_},
        {"ip", "-n", host_, "addr", "add", "192.168.83.1/24", "dev", "ocdh0"},
        {"ip", "-n", host_, "link", "set", "ocdh0", "up"},
        {"ip", "-n", host_, "link", "set", "lo", "up"},
        {"ip", "-n", guest_, "addr", "add", "192.168.83.10/24", "dev", "ocdg0"},
        {"ip", "-n", guest_, "addr", "add", "192.168.83.20/24", "dev", "ocdg0"},
        {"ip", "-n", guest_, "link", "set", "ocdg0", "up"},
        {"ip", "-n", guest_, "link", "set", "lo", "up"},
    };
    for (const auto& argv : setup) {
      auto r = run_command(argv);
      if (r.exit_code != 0) {
        error_ = r.err;
        return;
      }
    }
    ok_ = true;
  }
  ~NetnsPair() {
    run_command({"ip", "netns", "del", guest_});
    run_command({"ip", "netns", "del", host_});
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  const std::string& host() const { return host_; }
  const std::string& guest() const { return guest_; }

 private:
  std::string host_, guest_;
  bool ok_ = false;
  std::string error_;
};

// Runs `body` with this thread inside network namespace `name` (sockets made
// there stay there), then returns to the original namespace.
template <typename Body>
bool in_netns(const std::string& name, Body body) {
  int original = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  int target = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
  bool ok = original >= 0 && target >= 0 && ::setns(target, CLONE_NEWNET) == 0;
  if (ok) body();
  if (original >= 0) {
    if (::setns(original, CLONE_NEWNET) != 0) std::abort();  // never continue in the wrong netns
    ::close(original);
  }
  if (target >= 0) ::close(target);
  return ok;
}

TEST_F(ResolverWithUnbound, GuestInANetworkNamespace) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
  NetnsPair netns(std::to_string(::getpid()));
  ASSERT_TRUE(netns.ok()) << netns.error();
  auto s = settings();
  s.listen = {{"192.168.83.1", 0}};
  s.clients = {};  // only the configured guests
  std::unique_ptr<RunningResolver> resolver;
  Status started = make_error("not started");
  // The listening sockets are made inside the host namespace; libunbound's
  // upstream sockets are made later on the io thread, in ours, where unbound is.
  ASSERT_TRUE(in_netns(netns.host(), [&] {
    resolver = std::make_unique<RunningResolver>(s, &sink_);
    started = resolver->listen();
  }));
  ASSERT_TRUE(started) << started.error().message;
  resolver->run();
  const std::string port = std::to_string(resolver->port());
  auto r = run_command({"ip", "netns", "exec", netns.guest(), "dig", "@192.168.83.1", "-p", port,
                        "+time=3", "+tries=1", "-b", "192.168.83.10", "allowed.example", "A"});
  EXPECT_NE(r.out.find("192.0.2.20"), std::string::npos) << r.out << r.err;
  auto line = last_for(dir_ / "dns.jsonl", "allowed.example");
  EXPECT_EQ(line["vm"], "openclaw");
  EXPECT_EQ(line["rule"], "allow:*.example");
  auto calls = sink_.snapshot();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "openclaw 192.0.2.20 130"), calls.end());

  auto tcp = run_command({"ip", "netns", "exec", netns.guest(), "kdig", "@192.168.83.1", "-p", port,
                          "+tcp", "+short", "-b", "192.168.83.10", "www.example"});
  EXPECT_NE(tcp.out.find("192.0.2.10"), std::string::npos) << tcp.out << tcp.err;

  auto stranger =
      run_command({"ip", "netns", "exec", netns.guest(), "dig", "@192.168.83.1", "-p", port,
                   "+time=3", "+tries=1", "-b", "192.168.83.20", "allowed.example", "A"});
  EXPECT_NE(stranger.out.find("status: REFUSED"), std::string::npos) << stranger.out;
  resolver.reset();
}

}  // namespace
}  // namespace openclawd::dns
