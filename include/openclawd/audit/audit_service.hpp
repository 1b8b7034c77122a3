#pragma once
// The audit module as a daemon part: watches every VM's secrets directory
// from start to stop and shows its counters in `status`.

#include "openclawd/audit/audit_monitor.hpp"
#include "openclawd/daemon/service.hpp"

namespace openclawd::audit {

class AuditService final : public daemon::Service {
 public:
  AuditService(boost::asio::io_context& io, AuditSettings settings)
      : monitor_(io, std::move(settings)) {}
  std::string_view name() const override { return "audit"; }
  Status start() override { return monitor_.start(); }
  void stop() override { monitor_.stop(); }
  nlohmann::json status() const override { return monitor_.status(); }

 private:
  AuditMonitor monitor_;
};

}  // namespace openclawd::audit
