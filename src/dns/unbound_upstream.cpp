#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unbound.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <map>

#include "openclawd/dns/upstream.hpp"

namespace openclawd::dns {
namespace {

class UnboundUpstream final : public Upstream {
 public:
  explicit UnboundUpstream(boost::asio::io_context& io) : io_(io), result_pipe_(io) {}

  ~UnboundUpstream() override {
    // The descriptor belongs to libunbound; asio must not close it.
    if (result_pipe_.is_open()) {
      boost::system::error_code ignored;
      result_pipe_.cancel(ignored);
      result_pipe_.release();
    }
    if (ctx_ != nullptr) ub_ctx_delete(ctx_);  // drops outstanding queries without callbacks
    for (auto& [pending, _] : pending_) delete pending;
  }

  Status init(const UnboundSettings& settings) {
    ctx_ = ub_ctx_create();
    if (ctx_ == nullptr) return make_error("libunbound: ub_ctx_create failed (out of memory?)");
    // Only the forwarders: no IPv6 transport, no root hints (forward zone "."),
    // no resolv.conf or hosts file.
    const std::pair<const char*, const char*> options[] = {
        {"do-ip6:", "no"},  {"do-ip4:", "yes"},   {"do-udp:", "yes"},
        {"do-tcp:", "yes"}, {"prefetch:", "yes"}, {"minimal-responses:", "no"}};
    for (const auto& [name, value] : options) {
      if (int err = ub_ctx_set_option(ctx_, name, value); err != 0) {
        return make_error(
            fmt::format("libunbound option {} {}: {}", name, value, ub_strerror(err)));
      }
    }
    if (settings.forwarders.empty()) {
      return make_error("no DNS forwarders: set /dns/forwarders (e.g. [\"1.1.1.1\"])");
    }
    for (const auto& forwarder : settings.forwarders) {
      if (int err = ub_ctx_set_fwd(ctx_, forwarder.c_str()); err != 0) {
        return make_error(
            fmt::format("DNS forwarder \"{}\": {}; use an IP address, optionally with @port",
                        forwarder, ub_strerror(err)));
      }
    }
    if (!settings.trust_anchor.empty()) {
      if (int err = ub_ctx_add_ta_file(ctx_, settings.trust_anchor.c_str()); err != 0) {
        return make_error(fmt::format("DNSSEC trust anchor {}: {}; check /dns/trust_anchor",
                                      settings.trust_anchor.string(), ub_strerror(err)));
      }
    }
    // One background thread does the network work; answers come back on ub_fd.
    if (int err = ub_ctx_async(ctx_, 1); err != 0) {
      return make_error(fmt::format("libunbound async mode: {}", ub_strerror(err)));
    }
    result_pipe_.assign(ub_fd(ctx_));
    return ok_status();
  }

  void resolve(const Question& question, Callback done) override {
    auto* pending = new Pending{this, std::move(done)};
    const std::string name = question.name.empty() ? "." : question.name;
    int async_id = 0;
    const int err = ub_resolve_async(ctx_, name.c_str(), question.type, question.klass, pending,
                                     &UnboundUpstream::on_result, &async_id);
    if (err != 0) {
      auto callback = std::move(pending->done);
      delete pending;
      const std::string message = fmt::format("libunbound: {}", ub_strerror(err));
      boost::asio::post(
          io_, [callback = std::move(callback), message] { callback(make_error(message)); });
      return;
    }
    pending_.emplace(pending, async_id);
    wait_for_results();
  }

 private:
  struct Pending {
    UnboundUpstream* owner;
    Callback done;
  };

  static void on_result(void* data, int err, ub_result* result) {
    auto* pending = static_cast<Pending*>(data);
    pending->owner->pending_.erase(pending);
    Callback done = std::move(pending->done);
    delete pending;
    if (err != 0 || result == nullptr) {
      if (result != nullptr) ub_resolve_free(result);
      done(make_error(fmt::format("libunbound: {}", ub_strerror(err))));
      return;
    }
    UpstreamAnswer answer;
    if (result->answer_packet != nullptr && result->answer_len > 0) {
      const auto* bytes = static_cast<const std::uint8_t*>(result->answer_packet);
      answer.packet.assign(bytes, bytes + result->answer_len);
    }
    answer.secure = result->secure != 0;
    answer.bogus = result->bogus != 0;
    ub_resolve_free(result);
    if (answer.packet.empty()) {
      done(make_error("upstream gave no answer packet (forwarders unreachable?)"));
      return;
    }
    done(std::move(answer));
  }

  void wait_for_results() {
    if (waiting_ || pending_.empty()) return;
    waiting_ = true;
    result_pipe_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                            [this](const boost::system::error_code& ec) {
                              if (ec) return;  // cancelled: `this` may be gone
                              waiting_ = false;
                              if (int err = ub_process(ctx_); err != 0) {
                                spdlog::warn("dns: libunbound ub_process: {}", ub_strerror(err));
                              }
                              wait_for_results();
                            });
  }

  boost::asio::io_context& io_;
  boost::asio::posix::stream_descriptor result_pipe_;
  ub_ctx* ctx_ = nullptr;
  std::map<Pending*, int> pending_;
  bool waiting_ = false;
};

}  // namespace

Result<std::unique_ptr<Upstream>> make_unbound_upstream(boost::asio::io_context& io,
                                                        const UnboundSettings& settings) {
  auto upstream = std::make_unique<UnboundUpstream>(io);
  if (auto status = upstream->init(settings); !status) return status.error();
  return std::unique_ptr<Upstream>(std::move(upstream));
}

}  // namespace openclawd::dns
