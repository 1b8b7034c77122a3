#include "compose.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "openclawd/audit/audit_service.hpp"
#include "openclawd/daemon/guest_boot_hooks.hpp"
#include "openclawd/daemon/resolved_destinations.hpp"
#include "openclawd/defender_service/defender_service.hpp"
#include "openclawd/dns/service.hpp"
#include "openclawd/net/network_service.hpp"
#include "openclawd/secrets/secrets_service.hpp"
#include "openclawd/vm/libvirt_hypervisor.hpp"
#include "openclawd/vm/supervisor.hpp"

namespace openclawd::daemon {

namespace {

// The secret file that makes a guest a client of the defender API.
constexpr const char* kDefenderTokenFile = "defender-token";

// The guests that talk to the defender API: those given a defender token.
std::vector<std::string> defender_clients(const config::Config& config) {
  std::vector<std::string> clients;
  for (const auto& vm : config.vms) {
    const auto& tokens = vm.secrets.tokens;
    if (std::any_of(tokens.begin(), tokens.end(),
                    [](const auto& token) { return token.file == kDefenderTokenFile; })) {
      clients.push_back(vm.name);
    }
  }
  return clients;
}

vm::DomainFlavour flavour_of(const std::string& domain_type) {
  if (domain_type == "qemu") return vm::DomainFlavour::qemu;
  if (domain_type == "ch") return vm::DomainFlavour::ch;
  return vm::DomainFlavour::kvm;
}

std::filesystem::path virtiofsd_of(const config::HypervisorConfig& hypervisor) {
  if (!hypervisor.virtiofsd.empty()) return hypervisor.virtiofsd;
  // Debian ships it outside PATH and libvirt 9.0 does not always find it.
  const std::filesystem::path debian = "/usr/lib/qemu/virtiofsd";
  std::error_code ec;
  return std::filesystem::exists(debian, ec) ? debian : std::filesystem::path();
}

Result<std::unique_ptr<vm::Supervisor>> make_supervisor(DaemonContext& context,
                                                        std::unique_ptr<vm::BootHooks> hooks) {
  const auto& hypervisor_config = context.config.hypervisor;
  auto hypervisor = vm::connect_libvirt(context.io, vm::LibvirtSettings{hypervisor_config.uri});
  if (!hypervisor) {
    return hypervisor.error().context(
        fmt::format("cannot reach libvirt at {} (is libvirtd running? `systemctl start "
                    "libvirtd`; hypervisor.uri in the config)",
                    hypervisor_config.uri));
  }
  vm::SupervisorSettings settings;
  settings.domain_prefix = hypervisor_config.domain_prefix;
  settings.flavour = flavour_of(hypervisor_config.domain_type);
  settings.virtiofsd = virtiofsd_of(hypervisor_config);
  auto supervisor = vm::Supervisor::create(context.config.vms, settings, std::move(*hypervisor),
                                           std::move(hooks), vm::make_asio_clock(context.io));
  if (!supervisor) return supervisor.error().context("guest supervisor");
  // Guests that outlived the previous daemon keep running: take them over
  // before autostart would try to boot them a second time.
  if (auto adopted = (*supervisor)->adopt_running(); !adopted) return adopted.error();
  return supervisor;
}

// The defender (scan command, HTTP API): the guests' defender tokens are its
// API keys, and every secret the guests get is kept from the LLM judge.
Result<std::unique_ptr<Service>> make_defender(
    DaemonContext& context, const std::shared_ptr<secrets::SecretsManager>& secrets) {
  std::vector<std::filesystem::path> token_files;
  for (const auto& vm : defender_clients(context.config)) {
    token_files.push_back(secrets->directory(vm) / kDefenderTokenFile);
  }
  auto settings = defender_service::settings_from_config(context.config, std::move(token_files));
  std::vector<std::filesystem::path> secret_dirs;
  for (const auto& vm : secrets->vm_names()) secret_dirs.push_back(secrets->directory(vm));
  settings.known_secrets = [secret_dirs] {
    return defender_service::read_secret_values(secret_dirs);
  };
  auto service =
      defender_service::DefenderService::create(context.io, std::move(settings), context.commands);
  if (!service) return service.error();
  return std::unique_ptr<Service>(std::move(*service));
}

}  // namespace

Result<Composition> compose(DaemonContext& context) {
  Composition composition;
  const auto& config = context.config;
  // Services start in this order and stop in reverse: the network first (the
  // guests are fenced before anything else exists), secrets and audit, the DNS
  // frontend, the defender. The guest supervisor boots guests once all are up.

  // Names the resolver handed out, for the egress log; in allowlist mode it
  // also opens the answered addresses in the VM's nft set.
  auto destinations = std::make_shared<ResolvedDestinations>();
  composition.shared_parts.push_back(destinations);

  auto network =
      net::NetworkService::create(context.io, config, defender_clients(config), destinations.get());
  if (!network) return network.error();
  net::NetworkService* network_service = network->get();
  if (config.network.egress.mode == config::EgressMode::allowlist) {
    destinations->set_allowlist(&network_service->allowlist());
  }
  composition.services.push_back(std::move(*network));

  // Secrets: audit watches their directories, the boot hooks stage them
  // before each boot and share the read-only view as "secrets".
  auto manager = secrets::SecretsManager::create(secrets::settings_from_config(config));
  if (!manager) return manager.error().context("secrets");
  auto shared_manager = std::make_shared<secrets::SecretsManager>(std::move(*manager));
  composition.shared_parts.push_back(shared_manager);
  composition.services.push_back(
      std::make_unique<secrets::SecretsService>(shared_manager, context.commands));
  if (config.audit.enabled) {
    audit::AuditSettings audit_settings;
    for (const auto& vm : shared_manager->vm_names()) {
      audit_settings.watches.push_back({vm, shared_manager->directory(vm)});
    }
    audit_settings.log_file = config.audit.log_file;
    audit_settings.enable_kernel_audit = config.audit.enable_kernel_audit;
    composition.services.push_back(
        std::make_unique<audit::AuditService>(context.io, std::move(audit_settings)));
  }

  if (config.dns.enabled) {
    composition.services.push_back(std::make_unique<dns::DnsService>(
        context.io, dns::settings_from_config(config), destinations.get()));
  }

  if (config.defender.enabled && (!config.defender.rules.empty() || config.defender.listen)) {
    auto defender = make_defender(context, shared_manager);
    if (!defender) return defender.error();
    composition.services.push_back(std::move(*defender));
  }

  if (!config.vms.empty()) {
    auto supervisor = make_supervisor(
        context,
        std::make_unique<GuestBootHooks>(shared_manager.get(), &network_service->host_network()));
    if (!supervisor) return supervisor.error();
    composition.supervisor = std::move(*supervisor);
  }
  return composition;
}

}  // namespace openclawd::daemon
