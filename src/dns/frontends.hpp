#pragma once
// UDP and TCP listeners feeding a QueryProcessor (private to the dns module).

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <vector>

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
  // Datagrams read per readiness wake-up with one recvmmsg; replies that are
  // ready before the batch ends (cache hits, refusals) leave with one sendmmsg.
  static constexpr std::size_t kBatch = 32;
  static constexpr std::size_t kDatagramBytes = 65535;

  struct PendingReply {
    Bytes data;
    boost::asio::ip::udp::endpoint to;
  };

  void receive();
  void drain();
  void send_later(Bytes reply, const boost::asio::ip::udp::endpoint& to);
  void flush_pending();

  boost::asio::ip::udp::socket socket_;
  QueryProcessor& processor_;
  std::vector<std::uint8_t> buffers_ = std::vector<std::uint8_t>(kBatch * kDatagramBytes);
  // True while a batch is processed: a reply produced then is queued in
  // pending_ instead of being sent on its own.
  bool collecting_ = false;
  std::vector<PendingReply> pending_;
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
