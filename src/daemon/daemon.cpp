#include "openclawd/daemon/daemon.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>

#include "commands.hpp"
#include "compose.hpp"
#include "openclawd/control/server.hpp"
#include "openclawd/doctor/doctor.hpp"
#include "openclawd/version.hpp"
#include "systemd_notifier.hpp"

namespace openclawd::daemon {
namespace asio = boost::asio;

namespace {

// The longest a clean shutdown may take before the daemon exits anyway.
constexpr auto kShutdownLimit = std::chrono::seconds(120);

Status ensure_directory(const std::filesystem::path& dir, mode_t mode, std::string_view key) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return make_error(
        fmt::format("cannot create {} {} ({}): {}", key, dir.string(), key, ec.message()));
  }
  ::chmod(dir.c_str(), mode);  // best effort: an admin may have chosen stricter modes
  return ok_status();
}

}  // namespace

class Daemon::Impl {
 public:
  explicit Impl(config::Config config)
      : config_(std::move(config)),
        signals_(io_, SIGTERM, SIGINT),
        watchdog_timer_(io_),
        shutdown_timer_(io_),
        state_{config_, std::chrono::steady_clock::now(), composition_.services, nullptr} {}

  int run();

 private:
  Status start_everything();
  void begin_shutdown(std::string_view why);
  void finish_shutdown();
  void schedule_watchdog(std::chrono::microseconds interval);

  config::Config config_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer shutdown_timer_;
  control::CommandRegistry commands_;
  Composition composition_;
  DaemonState state_;
  std::unique_ptr<control::Server> server_;
  std::size_t started_services_ = 0;
  SystemdNotifier notifier_;
  int exit_code_ = kExitOk;
};

Status Daemon::Impl::start_everything() {
  // 0751: the hypervisor's user (libvirt-qemu) must traverse it to open the
  // disk images kept there; it cannot list it. Secrets have their own 0750.
  if (auto s = ensure_directory(config_.state_dir, 0751, "state_dir"); !s) return s;
  if (auto s = ensure_directory(config_.log_dir, 0750, "log_dir"); !s) return s;

  DaemonContext context{io_, config_, commands_};
  auto composition = compose(context);
  if (!composition) return composition.error();
  composition_.shared_parts = std::move(composition->shared_parts);
  composition_.services = std::move(composition->services);
  composition_.supervisor = std::move(composition->supervisor);
  state_.supervisor = composition_.supervisor.get();
  register_daemon_commands(commands_, state_);

  for (auto& service : composition_.services) {
    spdlog::info("starting {}", service->name());
    if (auto s = service->start(); !s) {
      return s.error().context(fmt::format("cannot start {}", service->name()));
    }
    ++started_services_;
  }
  // The control socket comes last: once it answers, everything it reports is up.
  server_ = std::make_unique<control::Server>(
      io_, commands_,
      control::ServerSettings{config_.control.socket, config_.control.group,
                              config_.control.max_request_bytes, config_.control.request_timeout_ms,
                              config_.control.max_clients});
  if (auto s = server_->start(); !s) {
    exit_code_ = kExitControlSocket;
    return s;
  }
  return ok_status();
}

int Daemon::Impl::run() {
  spdlog::info("openclawd {} starting with {} ({} VMs)", kVersion, config_.file.string(),
               config_.vms.size());
  if (auto started = start_everything(); !started) {
    spdlog::error("{}", started.error().message);
    for (auto i = started_services_; i-- > 0;) composition_.services[i]->stop();
    return exit_code_ == kExitOk ? kExitFailure : exit_code_;
  }

  // The host checks of `openclawd doctor`, as log lines, once everything is
  // up (so forwarding shows what the network service made of it).
  doctor::log_findings_in_background(config_);
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    begin_shutdown(signal == SIGTERM ? "SIGTERM" : "SIGINT");
  });
  std::optional<std::chrono::microseconds> watchdog = notifier_.watchdog_interval();
  if (config_.watchdog_interval_s > 0) {
    watchdog = std::chrono::seconds(config_.watchdog_interval_s);
  }
  if (watchdog) schedule_watchdog(*watchdog);

  const auto ready = fmt::format("listening on {}; {} VMs configured",
                                 config_.control.socket.string(), config_.vms.size());
  notifier_.ready(ready);
  spdlog::info("ready: {}", ready);

  if (composition_.supervisor) {
    composition_.supervisor->start_autostart([](Status status) {
      if (!status) spdlog::error("autostart: {}", status.error().message);
    });
  }

  io_.run();
  spdlog::info("openclawd stopped (exit code {})", exit_code_);
  return exit_code_;
}

void Daemon::Impl::schedule_watchdog(std::chrono::microseconds interval) {
  watchdog_timer_.expires_after(interval);
  watchdog_timer_.async_wait([this, interval](boost::system::error_code ec) {
    if (ec) return;
    // Pinged from the loop itself, so a stuck loop stops the pings.
    notifier_.watchdog();
    schedule_watchdog(interval);
  });
}

void Daemon::Impl::begin_shutdown(std::string_view why) {
  if (state_.stopping) return;
  state_.stopping = true;
  spdlog::info("{} received: shutting down", why);
  notifier_.stopping(fmt::format("stopping ({})", why));
  // A second signal while stopping ends the wait for guests.
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    spdlog::warn("second signal: not waiting any longer");
    finish_shutdown();
  });
  shutdown_timer_.expires_after(kShutdownLimit);
  shutdown_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    spdlog::error("shutdown took longer than {} s; exiting anyway", kShutdownLimit.count());
    exit_code_ = kExitFailure;
    finish_shutdown();
  });
  if (composition_.supervisor) {
    composition_.supervisor->shutdown([this](Status status) {
      if (!status) {
        spdlog::error("guest supervisor shutdown: {}", status.error().message);
        exit_code_ = kExitFailure;
      }
      finish_shutdown();
    });
  } else {
    asio::post(io_, [this] { finish_shutdown(); });
  }
}

void Daemon::Impl::finish_shutdown() {
  if (server_) server_->stop();
  for (auto i = started_services_; i-- > 0;) {
    spdlog::info("stopping {}", composition_.services[i]->name());
    composition_.services[i]->stop();
  }
  started_services_ = 0;
  signals_.cancel();
  watchdog_timer_.cancel();
  shutdown_timer_.cancel();
  io_.stop();
}

Daemon::Daemon(config::Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Daemon::~Daemon() = default;
int Daemon::run() {
  return impl_->run();
}

}  // namespace openclawd::daemon
