#include "compose.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "openclawd/audit/audit_service.hpp"
#include "openclawd/daemon/guest_boot_hooks.hpp"
#include "openclawd/daemon/resolved_destinations.hpp"
#include "openclawd/defender_service/defender_service.hpp"
#include "openclawd/dns/service.hpp"
#include "openclawd/inference/inference_service.hpp"
#include "openclawd/net/network_service.hpp"
#include "openclawd/secrets/secrets_service.hpp"
#include "openclawd/vm/libvirt_hypervisor.hpp"
#include "openclawd/vm/supervisor.hpp"

namespace openclawd::daemon {

namespace {

// The secret files that make a guest a client of the defender API and of the
// inference gateway.
constexpr const char* kDefenderTokenFile = "defender-token";
constexpr const char* kInferenceTokenFile = "inference-token";

// The guests given the token secret `file`.
std::vector<std::string> vms_with_token(const config::Config& config, std::string_view file) {
  std::vector<std::string> clients;
  for (const auto& vm : config.vms) {
    const auto& tokens = vm.secrets.tokens;
    if (std::any_of(tokens.begin(), tokens.end(),
                    [&](const auto& token) { return token.file == file; })) {
      clients.push_back(vm.name);
    }
  }
  return clients;
}

net::HostServiceClients host_service_clients(const config::Config& config) {
  return {vms_with_token(config, kDefenderTokenFile), vms_with_token(config, kInferenceTokenFile)};
}

// Every secret value the guests get, re-read on each call (tokens renew at boot).
std::function<std::vector<std::string>()> guest_secret_values(
    const secrets::SecretsManager& secrets) {
  std::vector<std::filesystem::path> directories;
  for (const auto& vm : secrets.vm_names()) directories.push_back(secrets.directory(vm));
  return [directories] { return defender_service::read_secret_values(directories); };
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
Result<std::unique_ptr<defender_service::DefenderService>> make_defender(
    DaemonContext& context, const secrets::SecretsManager& secrets) {
  std::vector<std::filesystem::path> token_files;
  for (const auto& vm : vms_with_token(context.config, kDefenderTokenFile)) {
    token_files.push_back(secrets.directory(vm) / kDefenderTokenFile);
  }
  auto settings = defender_service::settings_from_config(context.config, std::move(token_files));
  settings.known_secrets = guest_secret_values(secrets);
  return defender_service::DefenderService::create(context.io, std::move(settings),
                                                   context.commands);
}

// The inference gateway: the guests' inference tokens are its API keys, its
// scans go to the daemon's defender, and every guest secret is cut out of
// the models' replies.
Result<std::unique_ptr<Service>> make_inference(DaemonContext& context,
                                                const secrets::SecretsManager& secrets,
                                                std::shared_ptr<defender::AsyncScanner> scanner) {
  std::vector<inference::TokenSource> tokens;
  for (const auto& vm : vms_with_token(context.config, kInferenceTokenFile)) {
    tokens.push_back({vm, secrets.directory(vm) / kInferenceTokenFile});
  }
  auto settings = inference::settings_from_config(context.config, std::move(tokens));
  settings.known_secrets = guest_secret_values(secrets);
  auto service =
      inference::InferenceService::create(context.io, std::move(settings), std::move(scanner));
  if (!service) return service.error();
  return std::unique_ptr<Service>(std::move(*service));
}

}  // namespace

Result<Composition> compose(DaemonContext& context) {
  Composition composition;
  const auto& config = context.config;
  // Services start in this order and stop in reverse: the network first (the
  // guests are fenced before anything else exists), secrets and audit, the DNS
  // frontend, the defender, the inference gateway. The guest supervisor boots
  // guests once all are up.

  // Names the resolver handed out, for the egress log; in allowlist mode it
  // also opens the answered addresses in the VM's nft set.
  auto destinations = std::make_shared<ResolvedDestinations>();
  composition.shared_parts.push_back(destinations);

  auto network = net::NetworkService::create(context.io, config, host_service_clients(config),
                                             destinations.get());
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
        context.io, dns::settings_from_config(config), destinations.get(), context.commands));
  }

  std::shared_ptr<defender::AsyncScanner> scanner;
  if (config.defender.enabled && (!config.defender.rules.empty() || config.defender.listen)) {
    auto defender = make_defender(context, *shared_manager);
    if (!defender) return defender.error();
    scanner = (*defender)->scanner();
    composition.services.push_back(std::move(*defender));
  }
  // After the defender: it scans every model call, and stops after the gateway.
  if (config.inference.enabled && config.inference.listen) {
    auto gateway = make_inference(context, *shared_manager, scanner);
    if (!gateway) return gateway.error();
    composition.services.push_back(std::move(*gateway));
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
