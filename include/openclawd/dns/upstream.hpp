#pragma once
// Upstream resolution: ask the forwarders for a question, get the full answer
// packet back (asynchronously, on the event loop thread).

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/dns/message.hpp"

namespace openclawd::dns {

struct UpstreamAnswer {
  Bytes packet;  // the answer as a DNS message (id and flags are rewritten for the client)
  bool secure = false;
  bool bogus = false;
};

class Upstream {
 public:
  using Callback = std::function<void(Result<UpstreamAnswer>)>;
  virtual ~Upstream() = default;
  // `done` is called exactly once, on the event loop thread, unless the
  // Upstream is destroyed first.
  virtual void resolve(const Question& question, Callback done) = 0;
};

struct UnboundSettings {
  std::vector<std::string> forwarders;  // "1.1.1.1", "127.0.0.1@5353"
  std::filesystem::path trust_anchor;   // empty: no validation
};

// libunbound in asynchronous mode: one background worker, its result pipe
// (ub_fd) watched by the io_context; no thread per query; libunbound's cache
// answers repeats. Only the forwarders are ever contacted (IPv4 only).
Result<std::unique_ptr<Upstream>> make_unbound_upstream(boost::asio::io_context& io,
                                                        const UnboundSettings& settings);

}  // namespace openclawd::dns
