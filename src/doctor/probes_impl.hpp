#pragma once
// The kernel- and libvirt-facing probes of the real HostProbes, one file each.
#include <string>

#include "openclawd/doctor/probes.hpp"

namespace openclawd::doctor {

Status probe_nftables();
Result<AuditState> probe_audit();
// Gives up (and says so) when libvirtd has not answered within `limit`.
Result<CapabilitiesTiming> probe_libvirt(const std::string& uri, std::chrono::seconds limit);

}  // namespace openclawd::doctor
