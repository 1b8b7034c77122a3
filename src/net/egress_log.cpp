// Reads the NFLOG group over nfnetlink_log on the daemon's io_context and
// writes one JSON line per logged packet.
#include "openclawd/net/egress_log.hpp"

#include <arpa/inet.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "openclawd/core/log.hpp"

namespace openclawd::net {
namespace {

constexpr std::uint16_t kCopyBytes = 128;  // IPv4 + TCP/UDP headers are enough

std::string iso8601(std::chrono::system_clock::time_point now) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms);
}

// Sends one nfnetlink_log config message and waits for its acknowledgement.
Status configure(int fd, std::uint16_t group, std::uint16_t attr, const void* data,
                 std::size_t size, std::uint32_t seq) {
  std::array<char, 256> buffer{};
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = seq;
  auto* nfg = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
  nfg->nfgen_family = AF_UNSPEC;
  nfg->version = NFNETLINK_V0;
  nfg->res_id = htons(group);
  mnl_attr_put(nlh, attr, size, data);
  if (::send(fd, nlh, nlh->nlmsg_len, 0) < 0) {
    return make_error(
        fmt::format("egress log: configuring NFLOG group {}: {}", group, std::strerror(errno)));
  }
  std::array<char, 1024> reply{};
  const ssize_t n = ::recv(fd, reply.data(), reply.size(), 0);
  if (n < 0) {
    return make_error(fmt::format("egress log: no answer configuring NFLOG group {}: {}", group,
                                  std::strerror(errno)));
  }
  const auto* answer = reinterpret_cast<const nlmsghdr*>(reply.data());
  if (answer->nlmsg_type == NLMSG_ERROR) {
    const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(answer));
    if (err->error != 0) {
      return make_error(fmt::format(
          "egress log: NFLOG group {} refused: {} (is another program reading that group? pick "
          "another log group)",
          group, std::strerror(-err->error)));
    }
  }
  return ok_status();
}

class NflogReader final : public EgressLog, public std::enable_shared_from_this<NflogReader> {
 public:
  NflogReader(boost::asio::io_context& io, int fd, EgressLogSettings settings,
              const DestinationNames* names)
      : stream_(io, fd), settings_(std::move(settings)), names_(names) {}

  ~NflogReader() override = default;

  Status start() {
    if (auto status = open_file(); !status) return status;
    read();
    return ok_status();
  }

  void stop() {
    boost::system::error_code ignored;
    stream_.close(ignored);
  }

  EgressCounters counters() const override {
    std::lock_guard lock(mutex_);
    return counters_;
  }

 private:
  void read() {
    stream_.async_read_some(
        boost::asio::buffer(buffer_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
          self->on_read(error, n);
        });
  }

  void on_read(const boost::system::error_code& error, std::size_t n) {
    if (error == boost::asio::error::operation_aborted ||
        error == boost::asio::error::bad_descriptor) {
      return;
    }
    if (error) {
      // ENOBUFS: the kernel dropped log messages because we were slow; the
      // socket keeps working.
      std::lock_guard lock(mutex_);
      if (error.value() == ENOBUFS) {
        ++counters_.lost;
      } else {
        spdlog::warn("egress log: reading nfnetlink_log failed: {}", error.message());
        return;
      }
    } else {
      handle(n);
    }
    read();
  }

  void handle(std::size_t n) {
    int remaining = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer_.data());
         mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
      if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) continue;
      auto event = parse_nflog_message(nlh, nlh->nlmsg_len);
      std::lock_guard lock(mutex_);
      if (!event) {
        ++counters_.malformed;
        continue;
      }
      (event->verdict == "accept" ? counters_.accepted : counters_.dropped)++;
      write(*event);
    }
  }

  void write(const EgressEvent& e) {
    nlohmann::json line{{"ts", iso8601(e.received.value_or(std::chrono::system_clock::now()))},
                        {"vm", e.vm},
                        {"proto", e.proto},
                        {"verdict", e.verdict == "spoof" ? "drop" : e.verdict}};
    if (e.verdict == "spoof") line["reason"] = "spoofed source";
    if (e.src) line["src"] = e.src->to_string();
    if (e.dst) line["dst"] = e.dst->to_string();
    if (e.sport) line["sport"] = *e.sport;
    if (e.dport) line["dport"] = *e.dport;
    if (e.dst && names_ != nullptr) {
      if (auto name = names_->name_for(e.vm, *e.dst)) line["dns_name"] = *name;
    }
    const std::string text = line.dump() + "\n";
    if (size_ + text.size() > settings_.rotate_bytes && size_ > 0) rotate();
    out_ << text;
    out_.flush();
    size_ += text.size();
    ++counters_.lines_written;
  }

  Status open_file() {
    std::error_code ec;
    std::filesystem::create_directories(settings_.file.parent_path(), ec);
    out_.open(settings_.file, std::ios::app);
    if (!out_) {
      return make_error(
          fmt::format("egress log: cannot open {} for appending; check the "
                      "directory exists and is writable",
                      settings_.file.string()));
    }
    size_ = std::filesystem::file_size(settings_.file, ec);
    if (ec) size_ = 0;
    return ok_status();
  }

  void rotate() {
    out_.close();
    std::error_code ec;
    const std::string base = settings_.file.string();
    std::filesystem::remove(base + "." + std::to_string(settings_.keep_files), ec);
    for (int i = settings_.keep_files - 1; i >= 1; --i) {
      std::filesystem::rename(base + "." + std::to_string(i), base + "." + std::to_string(i + 1),
                              ec);
    }
    std::filesystem::rename(base, base + ".1", ec);
    ++counters_.rotations;
    if (auto status = open_file(); !status) spdlog::error("{}", status.error().message);
  }

  boost::asio::posix::stream_descriptor stream_;
  EgressLogSettings settings_;
  const DestinationNames* names_;
  std::array<char, 65536> buffer_{};
  mutable std::mutex mutex_;
  EgressCounters counters_;
  std::ofstream out_;
  std::uint64_t size_ = 0;
};

// Owns the reader; closing the socket on destruction ends the read loop.
class EgressLogHandle final : public EgressLog {
 public:
  explicit EgressLogHandle(std::shared_ptr<NflogReader> reader) : reader_(std::move(reader)) {}
  ~EgressLogHandle() override { reader_->stop(); }
  EgressCounters counters() const override { return reader_->counters(); }

 private:
  std::shared_ptr<NflogReader> reader_;
};

}  // namespace

Result<std::unique_ptr<EgressLog>> open_egress_log(boost::asio::io_context& io,
                                                   EgressLogSettings settings,
                                                   const DestinationNames* names) {
  if (settings.keep_files < 1 || settings.rotate_bytes < 1024) {
    return make_error("egress log: keep_files must be >= 1 and rotate_bytes >= 1024");
  }
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (fd < 0) {
    return make_error(fmt::format("egress log: netlink socket: {}", std::strerror(errno)));
  }
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  int size = 4 * 1024 * 1024;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    const int error = errno;
    ::close(fd);
    return make_error(fmt::format("egress log: netlink bind: {}", std::strerror(error)));
  }
  nfulnl_msg_config_cmd bind{NFULNL_CFG_CMD_BIND};
  nfulnl_msg_config_mode mode{};
  mode.copy_range = htonl(kCopyBytes);
  mode.copy_mode = NFULNL_COPY_PACKET;
  for (auto status : {configure(fd, settings.group, NFULA_CFG_CMD, &bind, sizeof bind, 1),
                      configure(fd, settings.group, NFULA_CFG_MODE, &mode, sizeof mode, 2)}) {
    if (!status) {
      ::close(fd);
      return status.error();
    }
  }
  auto reader = std::make_shared<NflogReader>(io, fd, std::move(settings), names);
  if (auto status = reader->start(); !status) return status.error();
  return std::unique_ptr<EgressLog>(new EgressLogHandle(std::move(reader)));
}

}  // namespace openclawd::net
