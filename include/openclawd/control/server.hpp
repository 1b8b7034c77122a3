#pragma once
// The control socket: a unix stream socket (mode 0660, owner root, group
// configurable). Each connection may send several requests, one per line; a
// request larger than the limit, or not complete within the timeout, gets an
// error response and the connection is closed. Nothing a client does blocks
// the event loop or other clients.

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "openclawd/control/command_registry.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::control {

struct ServerSettings {
  std::filesystem::path socket_path;
  std::string group;  // empty: only root may change state; the socket keeps root's group
  std::size_t max_request_bytes = 64 * 1024;
  int request_timeout_ms = 5000;
  int max_clients = 64;
};

class Server {
 public:
  Server(boost::asio::io_context& io, const CommandRegistry& registry, ServerSettings settings);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Creates the socket (replacing a stale one; failing if a live daemon owns it)
  // and starts accepting.
  Status start();
  // Stops accepting, closes every connection and removes the socket file.
  void stop();

  std::size_t active_connections() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

// The group id of `name`, or an error naming it.
Result<unsigned> lookup_group(const std::string& name);
// True if `uid` is root or belongs to `gid` (primary or supplementary).
bool user_in_group(unsigned uid, unsigned primary_gid, std::optional<unsigned> gid);

}  // namespace openclawd::control
