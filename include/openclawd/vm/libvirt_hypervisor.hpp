#pragma once
// The Hypervisor backed by libvirtd through the libvirt C API.
//
// Event loop: libvirt's default event implementation runs on one dedicated
// thread, and every callback is posted into the daemon's io_context. Wiring
// libvirt's add/update/remove handle+timeout callbacks into asio would mean
// re-implementing libvirt's poll semantics (fd event masks changing at any
// time from any thread); a thread that only forwards events is simpler and
// keeps all supervisor state on the io_context thread.
//
// Reconnect: when libvirtd goes away (close callback, or a failing call),
// the connection is reopened every `reconnect_interval` and the event
// registration renewed; then the reconnected handler runs so the listener can
// compare what it believes with what runs.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "openclawd/vm/hypervisor.hpp"

namespace openclawd::vm {

struct LibvirtSettings {
  std::string uri = "qemu:///system";
  std::chrono::milliseconds reconnect_interval{1000};
  // Where the qemu driver keeps <domain>.pid (the hypervisor pid for status).
  std::filesystem::path pid_dir = "/run/libvirt/qemu";
};

// Connects at once; fails when libvirtd cannot be reached.
Result<std::unique_ptr<Hypervisor>> connect_libvirt(boost::asio::io_context& io,
                                                    LibvirtSettings settings);

}  // namespace openclawd::vm
