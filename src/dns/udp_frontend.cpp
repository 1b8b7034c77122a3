#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "frontends.hpp"

namespace openclawd::dns {

UdpFrontend::UdpFrontend(boost::asio::io_context& io, QueryProcessor& processor)
    : socket_(io), processor_(processor) {}

Status UdpFrontend::bind(const boost::asio::ip::udp::endpoint& endpoint) {
  boost::system::error_code ec;
  socket_.open(endpoint.protocol(), ec);
  if (!ec) socket_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) socket_.bind(endpoint, ec);
  if (ec) {
    return make_error(fmt::format("DNS: cannot listen on udp {}:{}: {}; check /dns/listen",
                                  endpoint.address().to_string(), endpoint.port(), ec.message()));
  }
  return ok_status();
}

void UdpFrontend::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

boost::asio::ip::udp::endpoint UdpFrontend::local_endpoint() const {
  boost::system::error_code ignored;
  return socket_.local_endpoint(ignored);
}

void UdpFrontend::receive() {
  socket_.async_receive_from(
      boost::asio::buffer(buffer_), sender_,
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t length) {
        if (ec == boost::asio::error::operation_aborted || !self->socket_.is_open()) return;
        if (!ec && self->sender_.address().is_v4()) {
          const ClientInfo client{self->sender_.address().to_v4().to_uint(), self->sender_.port(),
                                  false};
          const auto to = self->sender_;
          std::weak_ptr<UdpFrontend> weak = self;
          self->processor_.handle(client, ByteView(self->buffer_.data(), length),
                                  [weak, to](Bytes reply) {
                                    auto frontend = weak.lock();
                                    if (!frontend || !frontend->socket_.is_open()) return;
                                    auto data = std::make_shared<Bytes>(std::move(reply));
                                    frontend->socket_.async_send_to(
                                        boost::asio::buffer(*data), to,
                                        [data](const boost::system::error_code&, std::size_t) {});
                                  });
        } else if (ec) {
          spdlog::debug("dns: udp receive: {}", ec.message());
        }
        self->receive();
      });
}

}  // namespace openclawd::dns
