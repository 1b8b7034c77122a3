// nftables and audit, asked over netlink the way the daemon will use them.
#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "openclawd/audit/kernel_audit.hpp"
#include "probes_impl.hpp"

namespace openclawd::doctor {

Status probe_nftables() {
  std::unique_ptr<mnl_socket, decltype(&mnl_socket_close)> socket(
      mnl_socket_open(NETLINK_NETFILTER), &mnl_socket_close);
  if (!socket) return make_error(fmt::format("cannot open nfnetlink: {}", std::strerror(errno)));
  if (mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    return make_error(fmt::format("cannot bind nfnetlink: {}", std::strerror(errno)));
  }
  timeval timeout{2, 0};  // a kernel that never answers must not hang the doctor
  ::setsockopt(mnl_socket_get_fd(socket.get()), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char buffer[MNL_SOCKET_BUFFER_SIZE];
  const std::uint32_t seq = 1;
  nlmsghdr* request =
      nftnl_nlmsg_build_hdr(buffer, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_REQUEST | NLM_F_ACK, seq);
  if (mnl_socket_sendto(socket.get(), request, request->nlmsg_len) < 0) {
    return make_error(fmt::format("cannot send to nfnetlink: {}", std::strerror(errno)));
  }
  const auto portid = mnl_socket_get_portid(socket.get());
  for (;;) {
    const auto n = mnl_socket_recvfrom(socket.get(), buffer, sizeof buffer);
    if (n < 0) {
      return make_error(fmt::format("no answer from nf_tables: {}", std::strerror(errno)));
    }
    const int rc = mnl_cb_run(buffer, static_cast<std::size_t>(n), seq, portid, nullptr, nullptr);
    if (rc < 0) return make_error(fmt::format("nf_tables refused: {}", std::strerror(errno)));
    if (rc == MNL_CB_STOP) return ok_status();
  }
}

Result<AuditState> probe_audit() {
  auto audit = audit::KernelAudit::open();
  if (!audit) return audit.error();
  auto status = audit->status();
  if (!status) return status.error();
  return AuditState{status->enabled, status->auditd_pid};
}

}  // namespace openclawd::doctor
