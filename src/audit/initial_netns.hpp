#pragma once
// The kernel delivers audit records only to netlink sockets of the initial
// network namespace. When the daemon runs in another one (its guests' network
// isolated in a namespace, as the tests and the demo do), its audit sockets
// are opened in the initial namespace from a short-lived thread; a socket
// stays in the namespace it was created in.

#include <functional>

#include "openclawd/core/result.hpp"

namespace openclawd::audit {

// Runs `open_socket` (returns an fd, or -1 with errno set) in the initial
// network namespace and returns its fd; errors keep the errno text.
Result<int> open_in_initial_netns(const std::function<int()>& open_socket);

}  // namespace openclawd::audit
