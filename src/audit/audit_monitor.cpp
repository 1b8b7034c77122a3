#include "openclawd/audit/audit_monitor.hpp"

#include <fmt/format.h>
#include <libaudit.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <cerrno>
#include <cstring>

#include "initial_netns.hpp"
#include "openclawd/core/log.hpp"

namespace openclawd::audit {
namespace {

std::string syscall_name(const std::string& arch, long number) {
  unsigned long elf = 0;
  try {
    elf = std::stoul(arch, nullptr, 16);
  } catch (...) {
    return std::to_string(number);
  }
  int machine = audit_elf_to_machine(static_cast<unsigned>(elf));
  const char* name =
      machine >= 0 ? audit_syscall_to_name(static_cast<int>(number), machine) : nullptr;
  return name ? std::string(name) : std::to_string(number);
}

Result<int> open_multicast_socket() {
  auto opened = open_in_initial_netns(
      [] { return ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT); });
  if (!opened) {
    return make_error(
        fmt::format("cannot open an audit netlink socket: {}", opened.error().message));
  }
  int fd = *opened;
  sockaddr_nl address{};
  address.nl_family = AF_NETLINK;
  address.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    int error = errno;
    ::close(fd);
    return make_error(
        fmt::format("cannot join the kernel audit multicast group: {} (needs "
                    "CAP_AUDIT_READ)",
                    std::strerror(error)));
  }
  int size = 4 << 20;  // bursts of events must not overflow the socket
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  return fd;
}

}  // namespace

AuditMonitor::AuditMonitor(boost::asio::io_context& io, AuditSettings settings)
    : io_(io), settings_(std::move(settings)), buffer_(MAX_AUDIT_MESSAGE_LENGTH + 1024) {
  if (settings_.own_pid == 0) settings_.own_pid = ::getpid();
  for (const auto& watch : settings_.watches)
    vm_by_key_[settings_.key_prefix + watch.vm] = watch.vm;
}

AuditMonitor::~AuditMonitor() {
  stop();
}

Status AuditMonitor::start() {
  auto kernel = KernelAudit::open();
  if (!kernel) return kernel.error();
  kernel_.emplace(std::move(*kernel));
  auto state = kernel_->status();
  if (!state) return state.error();
  if (state->enabled == 0) {
    if (!settings_.enable_kernel_audit) {
      return make_error(
          "kernel audit is disabled (`auditctl -s` shows enabled 0); enable it with "
          "`auditctl -e 1` or set /audit/enable_kernel_audit to true");
    }
    if (auto enabled = kernel_->set_enabled(true); !enabled) return enabled;
    enabled_by_us_ = true;
    spdlog::warn("audit: kernel audit was disabled; enabled it (it is disabled again at stop)");
  }
  if (!settings_.log_file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(settings_.log_file.parent_path(), ec);
    log_.open(settings_.log_file, std::ios::app);
    if (!log_) {
      stop();
      return make_error(
          fmt::format("cannot open the audit log {} for appending", settings_.log_file.string()));
    }
  }
  auto fd = open_multicast_socket();
  if (!fd) {
    stop();
    return fd.error();
  }
  socket_ = std::make_unique<boost::asio::posix::stream_descriptor>(io_, *fd);
  for (const auto& watch : settings_.watches) {
    const std::string key = settings_.key_prefix + watch.vm;
    if (auto added = kernel_->add_directory_watch(watch.directory, key); !added) {
      stop();
      return added.error().context(fmt::format("audit for VM '{}'", watch.vm));
    }
    active_watches_.push_back(watch);
    spdlog::info("audit: watching {} (key {})", watch.directory.string(), key);
  }
  read_next();
  return ok_status();
}

void AuditMonitor::stop() {
  if (kernel_) {
    for (const auto& watch : active_watches_) {
      auto removed =
          kernel_->remove_directory_watch(watch.directory, settings_.key_prefix + watch.vm);
      if (!removed) spdlog::error("audit: {}", removed.error().message);
    }
    active_watches_.clear();
    if (enabled_by_us_) {
      if (auto disabled = kernel_->set_enabled(false); !disabled) {
        spdlog::error("audit: {}", disabled.error().message);
      }
      enabled_by_us_ = false;
    }
    kernel_.reset();
  }
  if (socket_) {
    boost::system::error_code ignored;
    socket_->cancel(ignored);
    socket_->close(ignored);
    socket_.reset();
  }
  for (const auto& event : assembler_.drain()) handle_event(event);
  if (log_.is_open()) log_.close();
}

void AuditMonitor::read_next() {
  if (!socket_) return;
  socket_->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                      [this](const boost::system::error_code& error) {
                        if (error == boost::asio::error::operation_aborted || !socket_) return;
                        if (error) {
                          spdlog::error("audit: reading events failed: {}", error.message());
                          return;
                        }
                        for (;;) {
                          ssize_t got = ::recv(socket_->native_handle(), buffer_.data(),
                                               buffer_.size(), MSG_DONTWAIT);
                          if (got < 0) {
                            if (errno == EINTR) continue;
                            if (errno == ENOBUFS) {
                              spdlog::warn("audit: events were lost (socket buffer overflow)");
                              continue;
                            }
                            break;  // EAGAIN: drained
                          }
                          handle_datagram(buffer_.data(), static_cast<std::size_t>(got));
                        }
                        read_next();
                      });
}

void AuditMonitor::handle_datagram(const char* data, std::size_t size) {
  // One netlink message per datagram in practice; walk them all to be safe.
  while (size >= NLMSG_HDRLEN) {
    nlmsghdr header{};
    std::memcpy(&header, data, sizeof header);
    std::size_t length = header.nlmsg_len;
    if (length < NLMSG_HDRLEN || length > size) length = size;  // multicast may not fix nlmsg_len
    std::string_view text(data + NLMSG_HDRLEN, length - NLMSG_HDRLEN);
    ++counters_.records;
    auto record = parse_audit_record(header.nlmsg_type, text);
    if (!record) {
      ++counters_.malformed;
    } else {
      for (const auto& event : assembler_.add(std::move(*record))) handle_event(event);
    }
    const std::size_t step = NLMSG_ALIGN(length);
    if (step >= size) break;
    data += step;
    size -= step;
  }
}

nlohmann::json AuditMonitor::to_json(const FileAccess& access, const std::string& vm, bool own) {
  return {{"ts", access.timestamp},    {"vm", vm},
          {"key", access.key},         {"path", access.path},
          {"syscall", access.syscall}, {"success", access.success},
          {"pid", access.pid},         {"exe", access.exe},
          {"comm", access.comm},       {"uid", access.uid},
          {"auid", access.auid},       {"own", own},
          {"serial", access.serial}};
}

void AuditMonitor::handle_event(const AuditEvent& event) {
  auto access = summarize_event(event, &syscall_name);
  if (!access) return;
  auto vm = vm_by_key_.find(access->key);
  if (vm == vm_by_key_.end()) return;  // someone else's rule
  const bool own = access->pid == settings_.own_pid;
  ++counters_.accesses;
  ++counters_.by_vm[vm->second];
  if (own) ++counters_.own;
  auto line = to_json(*access, vm->second, own);
  if (log_.is_open()) {
    log_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    log_.flush();
  }
  if (listener_) listener_(line);
}

nlohmann::json AuditMonitor::status() const {
  nlohmann::json watches = nlohmann::json::array();
  for (const auto& watch : active_watches_) {
    watches.push_back({{"vm", watch.vm},
                       {"directory", watch.directory.string()},
                       {"key", settings_.key_prefix + watch.vm}});
  }
  return {{"watches", watches},
          {"records", counters_.records},
          {"malformed", counters_.malformed},
          {"accesses", counters_.accesses},
          {"own_accesses", counters_.own},
          {"accesses_by_vm", counters_.by_vm},
          {"enabled_kernel_audit", enabled_by_us_}};
}

}  // namespace openclawd::audit
