#include "openclawd/net/link_manager.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <functional>
#include <optional>
#include <vector>

namespace openclawd::net {
namespace {

struct LinkInfo {
  int index = 0;
  unsigned flags = 0;
  int master = 0;
  std::string kind;
  std::optional<std::uint32_t> tun_owner;
  std::optional<std::uint8_t> tun_type;
  std::optional<std::uint8_t> tun_persist;
};

struct Address {
  Ipv4Address address;
  int prefix = 0;
};

class Rtnl {
 public:
  ~Rtnl() {
    if (socket_ != nullptr) mnl_socket_close(socket_);
  }
  Status open() {
    socket_ = mnl_socket_open(NETLINK_ROUTE);
    if (socket_ == nullptr || mnl_socket_bind(socket_, 0, MNL_SOCKET_AUTOPID) < 0) {
      return make_error(fmt::format("rtnetlink socket: {}", std::strerror(errno)));
    }
    timeval timeout{5, 0};
    setsockopt(mnl_socket_get_fd(socket_), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return ok_status();
  }

  // Sends `nlh` and runs `on_message` for every answer until the ack or the
  // end of a dump. Returns the kernel's error number (0 on success).
  int request(nlmsghdr* nlh, const std::function<void(const nlmsghdr*)>& on_message) {
    nlh->nlmsg_seq = ++seq_;
    nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (mnl_socket_sendto(socket_, nlh, nlh->nlmsg_len) < 0) return errno;
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    for (;;) {
      const ssize_t n = mnl_socket_recvfrom(socket_, buffer.data(), buffer.size());
      if (n < 0) return errno;
      int remaining = static_cast<int>(n);
      for (auto* m = reinterpret_cast<const nlmsghdr*>(buffer.data()); mnl_nlmsg_ok(m, remaining);
           m = mnl_nlmsg_next(m, &remaining)) {
        if (m->nlmsg_seq != seq_) continue;
        if (m->nlmsg_type == NLMSG_ERROR) {
          return -static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(m))->error;
        }
        if (m->nlmsg_type == NLMSG_DONE) return 0;
        on_message(m);
      }
    }
  }

 private:
  mnl_socket* socket_ = nullptr;
  std::uint32_t seq_ = static_cast<std::uint32_t>(std::time(nullptr));
};

std::string error_text(int error) {
  return std::strerror(error);
}

// Attributes by type (the last of each type wins); libmnl's iteration macros
// assign void*, which C++ does not convert implicitly.
using Attributes = std::array<const nlattr*, 64>;

int collect(const nlattr* attr, void* data) {
  const int type = mnl_attr_get_type(attr);
  if (type >= 0 && type < 64) (*static_cast<Attributes*>(data))[type] = attr;
  return MNL_CB_OK;
}

LinkInfo parse_link(const nlmsghdr* nlh) {
  LinkInfo info;
  const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  info.index = ifi->ifi_index;
  info.flags = ifi->ifi_flags;
  Attributes attrs{};
  mnl_attr_parse(nlh, sizeof(ifinfomsg), collect, &attrs);
  if (attrs[IFLA_MASTER] != nullptr) {
    info.master = static_cast<int>(mnl_attr_get_u32(attrs[IFLA_MASTER]));
  }
  if (attrs[IFLA_LINKINFO] == nullptr) return info;
  Attributes linkinfo{};
  mnl_attr_parse_nested(attrs[IFLA_LINKINFO], collect, &linkinfo);
  if (linkinfo[IFLA_INFO_KIND] != nullptr) info.kind = mnl_attr_get_str(linkinfo[IFLA_INFO_KIND]);
  if (linkinfo[IFLA_INFO_DATA] == nullptr || info.kind != "tun") return info;
  Attributes tun{};
  mnl_attr_parse_nested(linkinfo[IFLA_INFO_DATA], collect, &tun);
  if (tun[IFLA_TUN_OWNER] != nullptr) info.tun_owner = mnl_attr_get_u32(tun[IFLA_TUN_OWNER]);
  if (tun[IFLA_TUN_TYPE] != nullptr) info.tun_type = mnl_attr_get_u8(tun[IFLA_TUN_TYPE]);
  if (tun[IFLA_TUN_PERSIST] != nullptr) info.tun_persist = mnl_attr_get_u8(tun[IFLA_TUN_PERSIST]);
  return info;
}

class RtnetlinkLinkManager final : public LinkManager {
 public:
  Status ensure_bridge(const std::string& name, const Ipv4Interface& address) override {
    Rtnl rtnl;
    if (auto s = rtnl.open(); !s) return s;
    auto link = get_link(rtnl, name);
    if (!link) return link.error();
    if (!*link) {
      if (int e = create_bridge(rtnl, name); e != 0) {
        return make_error(fmt::format("creating bridge {}: {}", name, error_text(e)));
      }
      link = get_link(rtnl, name);
      if (!link || !*link)
        return make_error(fmt::format("bridge {} vanished after creation", name));
    } else if ((*link)->kind != "bridge") {
      return make_error(fmt::format(
          "interface {} exists but is a '{}', not a bridge; remove it or set network.bridge to "
          "another name",
          name, (*link)->kind.empty() ? "plain device" : (*link)->kind));
    }
    const int index = (*link)->index;
    auto addresses = get_addresses(rtnl, index);
    bool present = false;
    for (const auto& a : addresses) {
      if (a.address == address.address && a.prefix == address.prefix_length) {
        present = true;
      } else {
        return make_error(fmt::format(
            "bridge {} already has address {}/{} but the config says {}; remove that address "
            "or fix network.address",
            name, a.address.to_string(), a.prefix, address.to_string()));
      }
    }
    if (!present) {
      if (int e = add_address(rtnl, index, address); e != 0) {
        return make_error(
            fmt::format("adding {} to bridge {}: {}", address.to_string(), name, error_text(e)));
      }
    }
    return set_up(rtnl, **link, name);
  }

  Status ensure_tap(const std::string& name, const std::string& owner,
                    const std::string& bridge) override {
    auto uid = user_id(owner);
    if (!uid) return uid.error();
    Rtnl rtnl;
    if (auto s = rtnl.open(); !s) return s;
    auto bridge_link = get_link(rtnl, bridge);
    if (!bridge_link) return bridge_link.error();
    if (!*bridge_link || (*bridge_link)->kind != "bridge") {
      return make_error(
          fmt::format("tap {}: bridge {} does not exist; create it first", name, bridge));
    }
    auto link = get_link(rtnl, name);
    if (!link) return link.error();
    if (!*link) {
      if (auto s = create_tap(name, *uid); !s) return s;
      link = get_link(rtnl, name);
      if (!link || !*link) return make_error(fmt::format("tap {} vanished after creation", name));
    } else {
      const LinkInfo& l = **link;
      if (l.kind != "tun" || l.tun_type.value_or(0) != IFF_TAP) {
        return make_error(fmt::format(
            "interface {} exists but is not a tap device; remove it or rename the VM's tap", name));
      }
      if (!l.tun_persist.value_or(0)) {
        return make_error(fmt::format(
            "tap {} exists but is not persistent (another program owns it); rename the VM's tap",
            name));
      }
      if (l.tun_owner.value_or(static_cast<std::uint32_t>(-1)) != *uid) {
        return make_error(fmt::format(
            "tap {} is owned by uid {} but network.tap_owner is '{}' (uid {}); delete the tap "
            "(ip link del {}) or fix tap_owner",
            name, l.tun_owner ? std::to_string(*l.tun_owner) : std::string("nobody in particular"),
            owner, *uid, name));
      }
    }
    const LinkInfo& tap = **link;
    if (tap.master != 0 && tap.master != (*bridge_link)->index) {
      return make_error(
          fmt::format("tap {} is attached to another bridge (ifindex {}), not {}; detach it first",
                      name, tap.master, bridge));
    }
    if (tap.master == 0) {
      if (int e = set_master(rtnl, tap.index, (*bridge_link)->index); e != 0) {
        return make_error(fmt::format("attaching tap {} to {}: {}", name, bridge, error_text(e)));
      }
    }
    return set_up(rtnl, tap, name);
  }

  Status remove(const std::string& name) override {
    Rtnl rtnl;
    if (auto s = rtnl.open(); !s) return s;
    std::array<char, 512> buffer{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
    nlh->nlmsg_type = RTM_DELLINK;
    mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg));
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
    const int e = rtnl.request(nlh, [](const nlmsghdr*) {});
    if (e != 0 && e != ENODEV) {
      return make_error(fmt::format("removing interface {}: {}", name, error_text(e)));
    }
    return ok_status();
  }

 private:
  static Result<std::optional<LinkInfo>> get_link(Rtnl& rtnl, const std::string& name) {
    std::array<char, 512> buffer{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
    nlh->nlmsg_type = RTM_GETLINK;
    mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg));
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
    std::optional<LinkInfo> found;
    const int e = rtnl.request(nlh, [&found](const nlmsghdr* m) {
      if (m->nlmsg_type == RTM_NEWLINK) found = parse_link(m);
    });
    if (e == ENODEV) return std::optional<LinkInfo>{};
    if (e != 0) return make_error(fmt::format("looking up interface {}: {}", name, error_text(e)));
    return found;
  }

  static std::vector<Address> get_addresses(Rtnl& rtnl, int index) {
    std::array<char, 512> buffer{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
    nlh->nlmsg_type = RTM_GETADDR;
    nlh->nlmsg_flags = NLM_F_DUMP;
    auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    ifa->ifa_family = AF_INET;
    std::vector<Address> out;
    (void)rtnl.request(nlh, [&out, index](const nlmsghdr* m) {
      if (m->nlmsg_type != RTM_NEWADDR) return;
      const auto* a = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(m));
      if (static_cast<int>(a->ifa_index) != index || a->ifa_family != AF_INET) return;
      Attributes attrs{};
      mnl_attr_parse(m, sizeof(ifaddrmsg), collect, &attrs);
      const nlattr* local = attrs[IFA_LOCAL];
      if (local != nullptr && mnl_attr_get_payload_len(local) == 4) {
        std::uint32_t value;
        std::memcpy(&value, mnl_attr_get_payload(local), 4);
        out.push_back(Address{Ipv4Address{ntohl(value)}, a->ifa_prefixlen});
      }
    });
    return out;
  }

  static int create_bridge(Rtnl& rtnl, const std::string& name) {
    std::array<char, 512> buffer{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg));
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
    nlattr* info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
    mnl_attr_nest_end(nlh, info);
    return rtnl.request(nlh, [](const nlmsghdr*) {});
  }

  static int add_address(Rtnl& rtnl, int index, const Ipv4Interface& address) {
    std::array<char, 512> buffer{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
    nlh->nlmsg_type = RTM_NEWADDR;
    nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = static_cast<unsigned char>(address.prefix_length);
    ifa->ifa_index = static_cast<unsigned>(index);
    const std::uint32_t value = htonl(address.address.value);
    const std::uint32_t broadcast = htonl(address.broadcast().value);
    mnl_attr_put_u32(nlh, IFA_LOCAL, value);
    mnl_attr_put_u32(nlh, IFA_ADDRESS, value);
    mnl_attr_put_u32(nlh, IFA_BROADCAST, broadcast);
    return rtnl.request(nlh, [](const nlmsghdr*) {});
  }

  static int set_master(Rtnl& rtnl, int index, int master) {
    std::array<char, 512> buffer{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
    nlh->nlmsg_type = RTM_NEWLINK;
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_index = index;
    mnl_attr_put_u32(nlh, IFLA_MASTER, static_cast<std::uint32_t>(master));
    return rtnl.request(nlh, [](const nlmsghdr*) {});
  }

  static Status set_up(Rtnl& rtnl, const LinkInfo& link, const std::string& name) {
    if (link.flags & IFF_UP) return ok_status();
    std::array<char, 512> buffer{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
    nlh->nlmsg_type = RTM_NEWLINK;
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_index = link.index;
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    if (int e = rtnl.request(nlh, [](const nlmsghdr*) {}); e != 0) {
      return make_error(fmt::format("bringing {} up: {}", name, error_text(e)));
    }
    return ok_status();
  }

  static Result<std::uint32_t> user_id(const std::string& owner) {
    std::array<char, 4096> buffer{};
    passwd entry{};
    passwd* found = nullptr;
    if (getpwnam_r(owner.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
        found == nullptr) {
      return make_error(fmt::format(
          "network.tap_owner: user '{}' does not exist; create it or name the hypervisor's user",
          owner));
    }
    return static_cast<std::uint32_t>(found->pw_uid);
  }

  static Status create_tap(const std::string& name, std::uint32_t uid) {
    const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      return make_error(
          fmt::format("creating tap {}: /dev/net/tun: {}", name, std::strerror(errno)));
    }
    ifreq request{};
    std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    Status status;
    if (::ioctl(fd, TUNSETIFF, &request) != 0 || ::ioctl(fd, TUNSETOWNER, uid) != 0 ||
        ::ioctl(fd, TUNSETPERSIST, 1) != 0) {
      status = make_error(fmt::format("creating tap {}: {}", name, std::strerror(errno)));
    }
    ::close(fd);
    return status;
  }
};

}  // namespace

std::unique_ptr<LinkManager> make_rtnetlink_link_manager() {
  return std::make_unique<RtnetlinkLinkManager>();
}

}  // namespace openclawd::net
