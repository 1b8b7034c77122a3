#include "openclawd/vm/libvirt_hypervisor.hpp"

#include <fmt/format.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <mutex>

#include "libvirt_event_thread.hpp"
#include "openclawd/core/log.hpp"

namespace openclawd::vm {
namespace {

std::string libvirt_error() {
  const char* message = virGetLastErrorMessage();
  return message ? message : "unknown libvirt error";
}

ExitReason exit_reason(int detail) {
  switch (detail) {
    case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN:
      return ExitReason::shutdown;
    case VIR_DOMAIN_EVENT_STOPPED_DESTROYED:
      return ExitReason::destroyed;
    case VIR_DOMAIN_EVENT_STOPPED_CRASHED:
      return ExitReason::crashed;
    case VIR_DOMAIN_EVENT_STOPPED_FAILED:
      return ExitReason::failed;
    default:
      return ExitReason::unknown;
  }
}

struct DomainDeleter {
  void operator()(virDomainPtr domain) const { virDomainFree(domain); }
};
using DomainHandle = std::unique_ptr<virDomain, DomainDeleter>;

class LibvirtHypervisor;

// What libvirt's callbacks (on the event thread) may reach. They only post
// into the io_context; the hypervisor itself may be gone by then.
struct CallbackTarget {
  boost::asio::io_context& io;
  std::weak_ptr<LibvirtHypervisor*> owner;
};

class LibvirtHypervisor : public Hypervisor {
 public:
  LibvirtHypervisor(boost::asio::io_context& io, LibvirtSettings settings)
      : io_(io),
        settings_(std::move(settings)),
        reconnect_timer_(io),
        self_(std::make_shared<LibvirtHypervisor*>(this)) {}

  ~LibvirtHypervisor() override {
    self_.reset();
    reconnect_timer_.cancel();
    disconnect();
  }

  Status connect() {
    virConnectPtr conn = virConnectOpen(settings_.uri.c_str());
    if (conn == nullptr) {
      return make_error(fmt::format("cannot connect to libvirt at {}: {} (is libvirtd running?)",
                                    settings_.uri, libvirt_error()));
    }
    conn_ = conn;
    // Keepalive makes a hung or vanished libvirtd show up as a closed connection.
    virConnectSetKeepAlive(conn_, 5, 3);
    callback_id_ = virConnectDomainEventRegisterAny(
        conn_, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
        VIR_DOMAIN_EVENT_CALLBACK(&LibvirtHypervisor::lifecycle_callback),
        new CallbackTarget{io_, self_}, &free_target);
    if (callback_id_ < 0) {
      auto error = make_error(fmt::format("cannot subscribe to domain events on {}: {}",
                                          settings_.uri, libvirt_error()));
      disconnect();
      return error;
    }
    virConnectRegisterCloseCallback(conn_, &LibvirtHypervisor::close_callback,
                                    new CallbackTarget{io_, self_}, &free_target);
    return ok_status();
  }

  void on_stopped(StoppedHandler handler) override { stopped_handler_ = std::move(handler); }
  void on_reconnected(ReconnectedHandler handler) override {
    reconnected_handler_ = std::move(handler);
  }

  Result<std::optional<int>> start(const std::string& name, const std::string& xml) override {
    if (auto ready = connected(); !ready) return ready.error();
    DomainHandle domain(virDomainCreateXML(conn_, xml.c_str(), 0));
    if (!domain) {
      return make_error(
          fmt::format("libvirt could not start domain {}: {}", name, libvirt_error()));
    }
    return read_pid(name);
  }

  Status shutdown(const std::string& name) override {
    auto domain = lookup(name);
    if (!domain) return domain.error();
    if (virDomainShutdownFlags(domain->get(), VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) < 0) {
      return make_error(fmt::format("ACPI shutdown of domain {}: {}", name, libvirt_error()));
    }
    return ok_status();
  }

  Status destroy(const std::string& name) override {
    auto domain = lookup(name);
    if (!domain) return domain.error();
    if (virDomainDestroy(domain->get()) < 0) {
      return make_error(fmt::format("destroying domain {}: {}", name, libvirt_error()));
    }
    return ok_status();
  }

  Result<std::vector<RunningDomain>> list_running(const std::string& prefix) override {
    if (auto ready = connected(); !ready) return ready.error();
    virDomainPtr* domains = nullptr;
    int count = virConnectListAllDomains(conn_, &domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    if (count < 0) {
      return make_error(fmt::format("listing domains on {}: {}", settings_.uri, libvirt_error()));
    }
    std::vector<RunningDomain> running;
    for (int i = 0; i < count; ++i) {
      DomainHandle domain(domains[i]);
      const char* name = virDomainGetName(domain.get());
      if (name != nullptr && std::string_view(name).starts_with(prefix)) {
        running.push_back({name, read_pid(name)});
      }
    }
    free(domains);
    return running;
  }

 private:
  static void free_target(void* opaque) { delete static_cast<CallbackTarget*>(opaque); }

  static int lifecycle_callback(virConnectPtr, virDomainPtr domain, int event, int detail,
                                void* opaque) {
    if (event != VIR_DOMAIN_EVENT_STOPPED) return 0;
    auto* target = static_cast<CallbackTarget*>(opaque);
    DomainStopped stopped{virDomainGetName(domain), exit_reason(detail)};
    boost::asio::post(target->io, [owner = target->owner, stopped] {
      if (auto self = owner.lock(); self && (*self)->stopped_handler_) {
        (*self)->stopped_handler_(stopped);
      }
    });
    return 0;
  }

  static void close_callback(virConnectPtr, int reason, void* opaque) {
    auto* target = static_cast<CallbackTarget*>(opaque);
    boost::asio::post(target->io, [owner = target->owner, reason] {
      if (auto self = owner.lock()) (*self)->connection_lost(reason);
    });
  }

  void connection_lost(int reason) {
    spdlog::warn("lost the connection to libvirt at {} (reason {}); reconnecting", settings_.uri,
                 reason);
    disconnect();
    schedule_reconnect();
  }

  void schedule_reconnect() {
    reconnect_timer_.expires_after(settings_.reconnect_interval);
    reconnect_timer_.async_wait([this](boost::system::error_code error) {
      if (error) return;
      if (auto reconnected = connect(); !reconnected) {
        spdlog::debug("{}", reconnected.error().message);
        return schedule_reconnect();
      }
      spdlog::info("reconnected to libvirt at {}", settings_.uri);
      if (reconnected_handler_) reconnected_handler_();
    });
  }

  void disconnect() {
    if (conn_ == nullptr) return;
    if (callback_id_ >= 0) virConnectDomainEventDeregisterAny(conn_, callback_id_);
    virConnectUnregisterCloseCallback(conn_, &LibvirtHypervisor::close_callback);
    virConnectClose(conn_);
    conn_ = nullptr;
    callback_id_ = -1;
  }

  Status connected() {
    if (conn_ != nullptr && virConnectIsAlive(conn_) == 1) return ok_status();
    return make_error(
        fmt::format("not connected to libvirt at {} (reconnecting; is libvirtd "
                    "running?)",
                    settings_.uri));
  }

  Result<DomainHandle> lookup(const std::string& name) {
    if (auto ready = connected(); !ready) return ready.error();
    DomainHandle domain(virDomainLookupByName(conn_, name.c_str()));
    if (!domain) return make_error(fmt::format("no domain {}: {}", name, libvirt_error()));
    return domain;
  }

  std::optional<int> read_pid(const std::string& name) const {
    std::ifstream file(settings_.pid_dir / (name + ".pid"));
    int pid = 0;
    if (file >> pid && pid > 0) return pid;
    return std::nullopt;
  }

  boost::asio::io_context& io_;
  LibvirtSettings settings_;
  boost::asio::steady_timer reconnect_timer_;
  std::shared_ptr<LibvirtHypervisor*> self_;
  virConnectPtr conn_ = nullptr;
  int callback_id_ = -1;
  StoppedHandler stopped_handler_;
  ReconnectedHandler reconnected_handler_;
};

}  // namespace

Result<std::unique_ptr<Hypervisor>> connect_libvirt(boost::asio::io_context& io,
                                                    LibvirtSettings settings) {
  if (auto loop = ensure_libvirt_event_thread(); !loop) return loop.error();
  auto hypervisor = std::make_unique<LibvirtHypervisor>(io, std::move(settings));
  if (auto connected = hypervisor->connect(); !connected) return connected.error();
  return std::unique_ptr<Hypervisor>(std::move(hypervisor));
}

}  // namespace openclawd::vm
