#include "compose.hpp"

#include "openclawd/audit/audit_service.hpp"
#include "openclawd/dns/service.hpp"
#include "openclawd/secrets/secrets_service.hpp"

namespace openclawd::daemon {

Result<Composition> compose(DaemonContext& context) {
  Composition composition;
  // Services start in this order and stop in reverse: secrets and audit, then
  // the DNS frontend. Still to be wired: the host network (net module), the
  // defender API and the guest supervisor (vm module).

  // Secrets first: audit watches their directories, the supervisor calls
  // secrets->manager()->prepare_for_boot(vm) before each boot and shares
  // guest_share(vm) as the VM's "secrets" virtiofs source.
  auto manager = secrets::SecretsManager::create(secrets::settings_from_config(context.config));
  if (!manager) return manager.error().context("secrets");
  auto secrets_service = std::make_unique<secrets::SecretsService>(
      std::make_shared<secrets::SecretsManager>(std::move(*manager)), context.commands);
  if (context.config.audit.enabled) {
    audit::AuditSettings audit_settings;
    for (const auto& vm : secrets_service->manager()->vm_names()) {
      audit_settings.watches.push_back({vm, secrets_service->manager()->directory(vm)});
    }
    audit_settings.log_file = context.config.audit.log_file;
    audit_settings.enable_kernel_audit = context.config.audit.enable_kernel_audit;
    composition.services.push_back(std::move(secrets_service));
    composition.services.push_back(
        std::make_unique<audit::AuditService>(context.io, std::move(audit_settings)));
  } else {
    composition.services.push_back(std::move(secrets_service));
  }

  if (context.config.dns.enabled) {
    // The allowlist sink is the net module's nft set adapter (egress allowlist
    // mode); until it is wired, answers are not reported (null).
    composition.services.push_back(std::make_unique<dns::DnsService>(
        context.io, dns::settings_from_config(context.config), nullptr));
  }
  return composition;
}

}  // namespace openclawd::daemon
