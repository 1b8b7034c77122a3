#pragma once
// UDP and TCP listeners feeding a QueryProcessor (private to the dns module).

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>

#include "openclawd/dns/query_processor.hpp"

namespace openclawd::dns {

class UdpFrontend : public std::enable_shared_from_this<UdpFrontend> {
 public:
  UdpFrontend(boost::asio::io_context& io, QueryProcessor& processor);
  Status bind(const boost::asio::ip::udp::endpoint& endpoint);
  void start() { receive(); }
  void close();
  boost::asio::ip::udp::endpoint local_endpoint() const;

 private:
  void receive();

  boost::asio::ip::udp::socket socket_;
  QueryProcessor& processor_;
  std::array<std::uint8_t, 65535> buffer_{};
  boost::asio::ip::udp::endpoint sender_;
};

class TcpConnection;

// RFC 7766: 2-byte length framing, pipelined queries answered as they
// complete, an idle timeout, a limit on concurrent connections.
class TcpFrontend : public std::enable_shared_from_this<TcpFrontend> {
 public:
  TcpFrontend(boost::asio::io_context& io, QueryProcessor& processor,
              const ResolverSettings& settings);
  Status bind(const boost::asio::ip::tcp::endpoint& endpoint);
  void start() { accept(); }
  void close();
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void connection_closed() { --connections_; }

 private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  QueryProcessor& processor_;
  const ResolverSettings& settings_;
  std::size_t connections_ = 0;
  std::vector<std::weak_ptr<TcpConnection>> open_;
};

}  // namespace openclawd::dns
