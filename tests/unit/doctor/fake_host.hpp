#pragma once
// A made-up host for the doctor's checks: every probe answers from a field,
// set per test to a good or a bad host.
#include <map>
#include <set>

#include "openclawd/doctor/probes.hpp"

namespace openclawd::doctor::testing {

class FakeHost final : public HostProbes {
 public:
  std::map<std::string, FileInfo> files;
  std::set<std::string> existing;
  std::set<std::string> executables;
  std::set<std::string> read_only;  // paths access(W_OK) refuses
  std::map<std::string, std::string> contents;
  std::map<std::string, UserInfo> users;
  std::map<uid_t, std::string> user_names{{0, "root"}};
  std::map<gid_t, std::string> group_names{{0, "root"}, {104, "kvm"}};
  std::map<std::string, SpaceInfo> space;
  std::string nftables_error;
  Result<AuditState> audit_state = AuditState{1, 321};
  Result<CapabilitiesTiming> libvirt = CapabilitiesTiming{
      std::chrono::milliseconds(5), std::chrono::milliseconds(40), std::chrono::milliseconds(3)};
  mutable std::vector<std::string> libvirt_uris;

  std::optional<FileInfo> stat(const std::filesystem::path& path) const override {
    auto it = files.find(path.string());
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
  bool exists(const std::filesystem::path& path) const override {
    return existing.count(path.string()) != 0 || files.count(path.string()) != 0;
  }
  bool executable(const std::filesystem::path& path) const override {
    return executables.count(path.string()) != 0;
  }
  bool writable(const std::filesystem::path& path) const override {
    return read_only.count(path.string()) == 0;
  }
  Result<std::string> read_file(const std::filesystem::path& path) const override {
    auto it = contents.find(path.string());
    if (it == contents.end()) return make_error("cannot read " + path.string());
    return it->second;
  }
  std::optional<UserInfo> user(const std::string& name) const override {
    auto it = users.find(name);
    if (it == users.end()) return std::nullopt;
    return it->second;
  }
  std::string user_name(uid_t uid) const override {
    auto it = user_names.find(uid);
    return it == user_names.end() ? std::to_string(uid) : it->second;
  }
  std::string group_name(gid_t gid) const override {
    auto it = group_names.find(gid);
    return it == group_names.end() ? std::to_string(gid) : it->second;
  }
  std::optional<std::filesystem::path> find_program(const std::string& name) const override {
    for (const auto& path : executables) {
      if (std::filesystem::path(path).filename() == name) return path;
    }
    return std::nullopt;
  }
  Result<SpaceInfo> free_space(const std::filesystem::path& dir) const override {
    auto it = space.find(dir.string());
    if (it == space.end()) return make_error("statvfs " + dir.string() + ": No such file");
    return it->second;
  }
  Status nftables() const override {
    if (!nftables_error.empty()) return make_error(nftables_error);
    return ok_status();
  }
  Result<AuditState> audit() const override { return audit_state; }
  Result<CapabilitiesTiming> libvirt_capabilities(const std::string& uri) const override {
    libvirt_uris.push_back(uri);
    return libvirt;
  }
};

}  // namespace openclawd::doctor::testing
