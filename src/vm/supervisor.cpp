#include "openclawd/vm/supervisor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

#include "openclawd/core/log.hpp"
#include "openclawd/vm/disk_image.hpp"

namespace openclawd::vm {

struct Supervisor::Guest {
  config::VmConfig config;
  std::string domain;
  VmStatus status;
  RestartTracker tracker;
  bool stop_requested = false;
  std::unique_ptr<Clock::Timer> timer;  // backoff, or the shutdown timeout
  std::vector<std::function<void()>> on_gone;

  Guest(config::VmConfig vm, std::string domain_name)
      : config(std::move(vm)), domain(std::move(domain_name)), tracker(config.restart) {
    status.name = config.name;
  }
};

Result<std::unique_ptr<Supervisor>> Supervisor::create(std::vector<config::VmConfig> vms,
                                                       SupervisorSettings settings,
                                                       std::unique_ptr<Hypervisor> hypervisor,
                                                       std::unique_ptr<BootHooks> hooks,
                                                       std::unique_ptr<Clock> clock) {
  auto order = dependency_order(vms);
  if (!order) return order.error();
  return std::unique_ptr<Supervisor>(new Supervisor(std::move(vms), std::move(*order),
                                                    std::move(settings), std::move(hypervisor),
                                                    std::move(hooks), std::move(clock)));
}

Supervisor::Supervisor(std::vector<config::VmConfig> vms, std::vector<std::string> order,
                       SupervisorSettings settings, std::unique_ptr<Hypervisor> hypervisor,
                       std::unique_ptr<BootHooks> hooks, std::unique_ptr<Clock> clock)
    : settings_(std::move(settings)),
      hypervisor_(std::move(hypervisor)),
      hooks_(std::move(hooks)),
      clock_(std::move(clock)) {
  for (const auto& name : order) {
    auto vm = std::find_if(vms.begin(), vms.end(), [&](const auto& v) { return v.name == name; });
    guests_.push_back(std::make_unique<Guest>(*vm, settings_.domain_prefix + name));
  }
  hypervisor_->on_stopped([this](const DomainStopped& event) { handle_stopped(event); });
  hypervisor_->on_reconnected([this] { handle_reconnected(); });
}

Supervisor::~Supervisor() {
  hypervisor_->on_stopped(nullptr);
  hypervisor_->on_reconnected(nullptr);
}

Supervisor::Guest* Supervisor::by_domain(const std::string& domain) {
  for (auto& guest : guests_) {
    if (guest->domain == domain) return guest.get();
  }
  return nullptr;
}

const VmStatus& Supervisor::status_of(const std::string& vm) const {
  for (const auto& guest : guests_) {
    if (guest->config.name == vm) return guest->status;
  }
  assert(false && "status_of: unknown VM");
  return guests_.front()->status;
}

Status Supervisor::adopt_running() {
  auto running = hypervisor_->list_running(settings_.domain_prefix);
  if (!running) return running.error().context("listing running guests to adopt");
  for (const auto& domain : *running) {
    Guest* guest = by_domain(domain.name);
    if (guest == nullptr) {
      spdlog::warn(
          "domain {} has the prefix {} but no VM of that name is configured; leaving "
          "it alone (destroy it with virsh if it is stale)",
          domain.name, settings_.domain_prefix);
      continue;
    }
    guest->status.state = VmState::running;
    guest->status.pid = domain.pid;
    // The real boot time is unknown; uptime counts from the adoption.
    guest->status.running_since = clock_->now();
    spdlog::info("adopted running guest {} (domain {}, pid {})", guest->config.name, domain.name,
                 domain.pid ? std::to_string(*domain.pid) : "unknown");
  }
  return ok_status();
}

Result<std::vector<Supervisor::Guest*>> Supervisor::select(const std::vector<std::string>& names,
                                                           bool reverse) {
  for (const auto& name : names) {
    bool known = std::any_of(guests_.begin(), guests_.end(),
                             [&](const auto& guest) { return guest->config.name == name; });
    if (!known) {
      return make_error(fmt::format("no VM named {} is configured (see /vms in the config)", name));
    }
  }
  std::vector<Guest*> selected;
  for (auto& guest : guests_) {
    if (names.empty() || std::find(names.begin(), names.end(), guest->config.name) != names.end()) {
      selected.push_back(guest.get());
    }
  }
  if (reverse) std::reverse(selected.begin(), selected.end());
  return selected;
}

Status Supervisor::boot(Guest& guest) {
  const auto& vm = guest.config;
  guest.status.state = VmState::starting;
  if (settings_.create_disks) {
    for (const auto& disk : vm.disks) {
      if (auto made = ensure_disk_image(disk); !made) return made.error();
    }
  }
  auto resources = hooks_->before_boot(vm);
  if (!resources) return resources.error().context("preparing the boot");
  DomainSpec spec;
  spec.domain_name = guest.domain;
  spec.flavour = settings_.flavour;
  spec.secrets_dir = resources->secrets_dir;
  spec.serial_log = vm.serial_log;
  spec.virtiofsd = settings_.virtiofsd;
  auto pid = hypervisor_->start(guest.domain, domain_xml(vm, spec));
  if (!pid) {
    hooks_->after_stop(vm);
    return pid.error();
  }
  guest.status.state = VmState::running;
  guest.status.pid = *pid;
  guest.status.running_since = clock_->now();
  guest.status.last_error.clear();
  spdlog::info("guest {} started (domain {}, pid {})", vm.name, guest.domain,
               *pid ? std::to_string(**pid) : "unknown");
  return ok_status();
}

void Supervisor::start(const std::vector<std::string>& vms, Done done) {
  auto selected = select(vms, false);
  if (!selected) return done(selected.error());
  for (Guest* guest : *selected) {
    auto state = guest->status.state;
    if (state == VmState::running || state == VmState::starting) continue;
    if (state == VmState::stopping) {
      return done(make_error(fmt::format("VM {} is still stopping; start it once it has stopped",
                                         guest->config.name)));
    }
    guest->timer.reset();  // an operator start ends a backoff wait
    guest->tracker.reset();
    if (auto booted = boot(*guest); !booted) {
      guest->status.state = VmState::failed;
      guest->status.last_error = booted.error().message;
      spdlog::error("cannot start guest {}: {}", guest->config.name, booted.error().message);
      // What depends on it must not start: stop here.
      return done(booted.error().context("starting " + guest->config.name));
    }
  }
  done(ok_status());
}

void Supervisor::stop(const std::vector<std::string>& vms, Done done) {
  auto selected = select(vms, true);
  if (!selected) return done(selected.error());
  stop_sequence(std::move(*selected), 0, std::move(done));
}

void Supervisor::stop_sequence(std::vector<Guest*> guests, std::size_t index, Done done) {
  if (index == guests.size()) return done(ok_status());
  Guest& guest = *guests[index];
  auto next = [this, guests, index, done]() mutable {
    stop_sequence(std::move(guests), index + 1, std::move(done));
  };
  auto state = guest.status.state;
  if (state != VmState::running && state != VmState::stopping) {
    guest.timer.reset();
    guest.status.state = VmState::stopped;
    return next();
  }
  guest.on_gone.push_back(std::move(next));
  if (state == VmState::stopping) return;  // already on its way down
  guest.stop_requested = true;
  guest.status.state = VmState::stopping;
  if (auto asked = hypervisor_->shutdown(guest.domain); !asked) {
    spdlog::warn("guest {}: ACPI shutdown failed ({}); destroying it", guest.config.name,
                 asked.error().message);
  } else {
    guest.timer =
        clock_->call_after(std::chrono::seconds(guest.config.shutdown_timeout_s), [this, &guest] {
          spdlog::warn("guest {} did not power off within {} s; destroying it", guest.config.name,
                       guest.config.shutdown_timeout_s);
          if (auto killed = hypervisor_->destroy(guest.domain); !killed) {
            spdlog::error("guest {}: {}", guest.config.name, killed.error().message);
          }
        });
    return;
  }
  if (auto killed = hypervisor_->destroy(guest.domain); !killed) {
    spdlog::error("guest {}: {}", guest.config.name, killed.error().message);
    guest_gone(guest, ExitReason::unknown);
  }
}

void Supervisor::restart(const std::vector<std::string>& vms, Done done) {
  stop(vms, [this, vms, done](Status stopped) {
    if (!stopped) return done(stopped);
    start(vms, done);
  });
}

void Supervisor::start_autostart(Done done) {
  std::vector<std::string> names;
  for (const auto& guest : guests_) {
    if (guest->config.autostart) names.push_back(guest->config.name);
  }
  if (names.empty()) return done(ok_status());
  start(names, std::move(done));
}

void Supervisor::shutdown(Done done) {
  // Guests outlive the daemon; the next daemon adopts them. Pending restarts
  // are dropped.
  for (auto& guest : guests_) guest->timer.reset();
  done(ok_status());
}

void Supervisor::handle_stopped(const DomainStopped& event) {
  Guest* guest = by_domain(event.name);
  if (guest == nullptr) return;
  auto state = guest->status.state;
  if (state != VmState::running && state != VmState::stopping) return;
  guest_gone(*guest, event.reason);
}

void Supervisor::handle_reconnected() {
  auto running = hypervisor_->list_running(settings_.domain_prefix);
  if (!running) {
    spdlog::error("after reconnecting to the hypervisor: {}", running.error().message);
    return;
  }
  for (auto& guest : guests_) {
    auto state = guest->status.state;
    if (state != VmState::running && state != VmState::stopping) continue;
    auto found = std::find_if(running->begin(), running->end(),
                              [&](const auto& domain) { return domain.name == guest->domain; });
    if (found == running->end()) {
      guest_gone(*guest, ExitReason::unknown);
    } else {
      guest->status.pid = found->pid;
    }
  }
}

void Supervisor::guest_gone(Guest& guest, ExitReason reason) {
  guest.timer.reset();
  hooks_->after_stop(guest.config);
  guest.status.pid.reset();
  guest.status.running_since.reset();
  guest.status.last_exit = reason;
  if (guest.stop_requested) {
    guest.stop_requested = false;
    guest.status.state = VmState::stopped;
    spdlog::info("guest {} stopped", guest.config.name);
    auto waiters = std::move(guest.on_gone);
    guest.on_gone.clear();
    for (auto& waiter : waiters) waiter();
    return;
  }
  schedule_restart(guest, reason);
}

void Supervisor::schedule_restart(Guest& guest, ExitReason reason) {
  auto decision = guest.tracker.on_exit(reason, clock_->now());
  switch (decision.action) {
    case RestartDecision::Action::stay_stopped:
      guest.status.state = VmState::stopped;
      spdlog::info("guest {} exited ({}); restart policy keeps it stopped", guest.config.name,
                   to_string(reason));
      return;
    case RestartDecision::Action::give_up:
      guest.status.state = VmState::failed;
      guest.status.last_error =
          fmt::format("crash loop: more than {} restarts within {} s",
                      guest.config.restart.max_restarts, guest.config.restart.window_s);
      spdlog::error("guest {} marked failed: {}; fix the cause, then `openclawd start {}`",
                    guest.config.name, guest.status.last_error, guest.config.name);
      return;
    case RestartDecision::Action::restart:
      break;
  }
  guest.status.state = VmState::backoff;
  spdlog::warn("guest {} exited ({}); restarting in {} ms", guest.config.name, to_string(reason),
               decision.delay.count());
  guest.timer = clock_->call_after(decision.delay, [this, &guest] {
    guest.status.restarts++;
    if (auto booted = boot(guest); !booted) {
      guest.status.last_error = booted.error().message;
      spdlog::error("restarting guest {}: {}", guest.config.name, booted.error().message);
      guest.status.last_exit = ExitReason::failed;
      schedule_restart(guest, ExitReason::failed);
    }
  });
}

nlohmann::json Supervisor::vm_status() const {
  auto list = nlohmann::json::array();
  const auto now = clock_->now();
  for (const auto& guest : guests_) {
    const auto& status = guest->status;
    nlohmann::json entry = {
        {"name", status.name}, {"state", to_string(status.state)}, {"restarts", status.restarts}};
    entry["uptime_s"] = status.running_since
                            ? nlohmann::json(std::chrono::duration_cast<std::chrono::seconds>(
                                                 now - *status.running_since)
                                                 .count())
                            : nlohmann::json(nullptr);
    entry["last_exit"] =
        status.last_exit ? nlohmann::json(to_string(*status.last_exit)) : nlohmann::json(nullptr);
    entry["pid"] = status.pid ? nlohmann::json(*status.pid) : nlohmann::json(nullptr);
    if (!status.last_error.empty()) entry["error"] = status.last_error;
    list.push_back(std::move(entry));
  }
  return list;
}

}  // namespace openclawd::vm
