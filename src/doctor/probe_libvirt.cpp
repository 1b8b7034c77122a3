// libvirtd's answer time: one connection, two capabilities calls. The calls
// run on a thread of their own so a stuck libvirtd costs the doctor at most
// `limit`, never a hang.
#include <fmt/format.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdlib>
#include <future>
#include <thread>

#include "probes_impl.hpp"

namespace openclawd::doctor {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

std::string last_libvirt_error() {
  const char* message = virGetLastErrorMessage();
  return message != nullptr ? message : "unknown libvirt error";
}

Result<CapabilitiesTiming> time_capabilities(const std::string& uri) {
  virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});  // errors come back as values
  CapabilitiesTiming timing;
  auto start = Clock::now();
  virConnectPtr connection = virConnectOpenReadOnly(uri.c_str());
  if (connection == nullptr) return make_error(last_libvirt_error());
  timing.connect = since(start);
  for (auto* slot : {&timing.first, &timing.second}) {
    start = Clock::now();
    char* capabilities = virConnectGetCapabilities(connection);
    if (capabilities == nullptr) {
      auto error = make_error(fmt::format("capabilities: {}", last_libvirt_error()));
      virConnectClose(connection);
      return error;
    }
    std::free(capabilities);
    *slot = since(start);
  }
  virConnectClose(connection);
  return timing;
}

}  // namespace

Result<CapabilitiesTiming> probe_libvirt(const std::string& uri, std::chrono::seconds limit) {
  auto promise = std::make_shared<std::promise<Result<CapabilitiesTiming>>>();
  auto answer = promise->get_future();
  std::thread([promise, uri] { promise->set_value(time_capabilities(uri)); }).detach();
  if (answer.wait_for(limit) != std::future_status::ready) {
    return make_error(fmt::format("no answer within {} s (libvirtd stuck?)", limit.count()));
  }
  return answer.get();
}

}  // namespace openclawd::doctor
