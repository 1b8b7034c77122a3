#pragma once
// Sysctls over a map, for unit tests: what was written, in order, and which
// keys refuse writes. Writing net/ipv4/ip_forward sets every interface's
// forwarding as the kernel does.
#include <map>
#include <string>
#include <vector>

#include "openclawd/net/sysctls.hpp"

namespace openclawd::net::testing {

class FakeSysctls final : public Sysctls {
 public:
  std::map<std::string, std::string> values;
  std::vector<std::string> writes;     // "key=value"
  std::vector<std::string> read_only;  // keys whose writes fail

  void add_interface(const std::string& name, const std::string& forwarding) {
    values[interface_forwarding_key(name)] = forwarding;
  }
  Result<std::string> read(const std::string& key) const override {
    auto it = values.find(key);
    if (it == values.end()) return make_error("cannot read /proc/sys/" + key + ": No such file");
    return it->second;
  }
  Status write(const std::string& key, const std::string& value) override {
    for (const auto& k : read_only) {
      if (k == key) return make_error("cannot write /proc/sys/" + key + ": Permission denied");
    }
    if (values.find(key) == values.end()) return make_error("no such key " + key);
    writes.push_back(key + "=" + value);
    values[key] = value;
    if (key == kGlobalForwardingKey) {
      for (auto& [k, v] : values) {
        if (k.rfind("net/ipv4/conf/", 0) == 0 && k.size() > 11 &&
            k.compare(k.size() - 11, 11, "/forwarding") == 0) {
          v = value;
        }
      }
    }
    return ok_status();
  }
  Result<std::vector<std::string>> list(const std::string& key) const override {
    std::vector<std::string> names;
    const std::string prefix = key + "/";
    for (const auto& [k, v] : values) {
      if (k.rfind(prefix, 0) != 0) continue;
      auto name = k.substr(prefix.size(), k.find('/', prefix.size()) - prefix.size());
      if (names.empty() || names.back() != name) names.push_back(name);
    }
    return names;
  }
};

}  // namespace openclawd::net::testing
