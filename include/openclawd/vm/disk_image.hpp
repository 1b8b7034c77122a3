#pragma once
// Persistent guest disks: created sparse at the configured size and formatted
// (ext4 with mkfs.ext4) when missing; an existing image is never touched.

#include "openclawd/config/vm.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::vm {

enum class DiskAction { existed, created };

Result<DiskAction> ensure_disk_image(const config::DiskConfig& disk);

}  // namespace openclawd::vm
