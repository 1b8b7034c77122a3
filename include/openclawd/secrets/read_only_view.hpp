#pragma once
// A read-only bind mount of a directory (mount --bind, then remount,bind,ro).
// libvirt refuses <readonly/> on virtiofs and virtiofsd has no read-only switch,
// so the guest is given this view instead of the directory itself: the host
// kernel refuses every write through it.

#include <filesystem>

#include "openclawd/core/result.hpp"

namespace openclawd::secrets {

// Mounts `source` read-only at `target` (created if missing). Idempotent: a
// read-only mount already at `target` is kept; a writable one is remounted ro.
Status mount_read_only_view(const std::filesystem::path& source,
                            const std::filesystem::path& target);

// Unmounts `target` if something is mounted there (lazily, so a virtiofsd that
// still holds it open does not block the daemon's stop).
Status unmount_view(const std::filesystem::path& target);

// True when `target` is a mount point, and whether it is read-only.
struct MountState {
  bool mounted = false;
  bool read_only = false;
};
Result<MountState> mount_state(const std::filesystem::path& target);

}  // namespace openclawd::secrets
