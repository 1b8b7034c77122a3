#pragma once
// Keeps the configured guests running: boots them in dependency order, stops
// them in reverse, restarts the ones that stop on their own (policy, backoff,
// crash-loop limit), adopts the ones still running when the daemon starts,
// and reports per-VM state for `openclawd status`.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/config/vm.hpp"
#include "openclawd/daemon/service.hpp"
#include "openclawd/vm/boot_hooks.hpp"
#include "openclawd/vm/clock.hpp"
#include "openclawd/vm/domain_xml.hpp"
#include "openclawd/vm/hypervisor.hpp"
#include "openclawd/vm/restart_policy.hpp"

namespace openclawd::vm {

struct SupervisorSettings {
  std::string domain_prefix = "openclawd-";
  DomainFlavour flavour = DomainFlavour::kvm;
  std::filesystem::path virtiofsd;  // empty: libvirt's default
  bool create_disks = true;
};

enum class VmState { stopped, starting, running, stopping, backoff, failed };
std::string_view to_string(VmState state);

struct VmStatus {
  std::string name;
  VmState state = VmState::stopped;
  std::optional<Clock::time_point> running_since;
  int restarts = 0;
  std::optional<ExitReason> last_exit;
  std::string last_error;
  std::optional<int> pid;
};

// Names in start order (each after what it depends on), or an error naming
// the unknown dependency or the cycle.
Result<std::vector<std::string>> dependency_order(const std::vector<config::VmConfig>& vms);

class Supervisor : public daemon::GuestSupervisor {
 public:
  // Fails on an unknown dependency or a cycle.
  static Result<std::unique_ptr<Supervisor>> create(std::vector<config::VmConfig> vms,
                                                    SupervisorSettings settings,
                                                    std::unique_ptr<Hypervisor> hypervisor,
                                                    std::unique_ptr<BootHooks> hooks,
                                                    std::unique_ptr<Clock> clock);
  ~Supervisor() override;

  // Takes over running domains with our prefix (daemon restart) instead of
  // rebooting them. Call once before anything else.
  Status adopt_running();

  void start(const std::vector<std::string>& vms, Done done) override;
  void stop(const std::vector<std::string>& vms, Done done) override;
  void restart(const std::vector<std::string>& vms, Done done) override;
  void start_autostart(Done done) override;
  void shutdown(Done done) override;
  nlohmann::json vm_status() const override;

  const VmStatus& status_of(const std::string& vm) const;

 private:
  struct Guest;
  Supervisor(std::vector<config::VmConfig> vms, std::vector<std::string> order,
             SupervisorSettings settings, std::unique_ptr<Hypervisor> hypervisor,
             std::unique_ptr<BootHooks> hooks, std::unique_ptr<Clock> clock);

  Result<std::vector<Guest*>> select(const std::vector<std::string>& names, bool reverse);
  Status boot(Guest& guest);
  void stop_sequence(std::vector<Guest*> guests, std::size_t index, Done done);
  void handle_stopped(const DomainStopped& event);
  void handle_reconnected();
  void guest_gone(Guest& guest, ExitReason reason);
  void schedule_restart(Guest& guest, ExitReason reason);
  Guest* by_domain(const std::string& domain);

  SupervisorSettings settings_;
  std::unique_ptr<Hypervisor> hypervisor_;
  std::unique_ptr<BootHooks> hooks_;
  std::unique_ptr<Clock> clock_;
  std::vector<std::unique_ptr<Guest>> guests_;  // in start order
};

}  // namespace openclawd::vm
