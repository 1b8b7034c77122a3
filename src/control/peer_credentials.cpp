// Group lookups for the control socket's authorization.
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <vector>

#include "openclawd/control/server.hpp"

namespace openclawd::control {

Result<unsigned> lookup_group(const std::string& name) {
  std::vector<char> buffer(16384);
  group entry{};
  group* found = nullptr;
  const int rc = getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0 || found == nullptr) {
    return make_error("control group \"" + name +
                      "\" does not exist (create it with groupadd, or set /control/group "
                      "to an existing group)");
  }
  return static_cast<unsigned>(found->gr_gid);
}

bool user_in_group(unsigned uid, unsigned primary_gid, std::optional<unsigned> gid) {
  if (uid == 0) return true;
  if (!gid) return false;
  if (primary_gid == *gid) return true;
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return false;  // a uid without a passwd entry has no supplementary groups
  }
  int count = 64;
  std::vector<gid_t> groups(count);
  if (getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) == -1) {
    groups.resize(count);
    if (getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) == -1) return false;
  }
  groups.resize(count);
  for (auto g : groups) {
    if (g == *gid) return true;
  }
  return false;
}

}  // namespace openclawd::control
