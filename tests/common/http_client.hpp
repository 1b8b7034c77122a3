#pragma once
// A small blocking HTTP/1.1 client for tests of the daemon's HTTP services (127.0.0.1
// only): raw requests too, so malformed ones can be sent.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace openclawd::testing {

struct HttpAnswer {
  int status = 0;  // 0: no answer (connection closed)
  nlohmann::json body;
  std::string raw_body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::map<std::string, std::string> headers;
};

class HttpConnection {
 public:
  explicit HttpConnection(const std::string& address) : socket_(io_) {
    const auto colon = address.rfind(':');
    const boost::asio::ip::tcp::endpoint endpoint(
        boost::asio::ip::make_address(address.substr(0, colon)),
        static_cast<unsigned short>(std::stoi(address.substr(colon + 1))));
    socket_.connect(endpoint);
  }

  void send_raw(const std::string& bytes) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
  }

  HttpAnswer read_answer() {
    namespace http = boost::beast::http;
    HttpAnswer answer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    boost::system::error_code ec;
    http::read(socket_, buffer_, parser, ec);
    if (ec) return answer;
    const auto& response = parser.get();
    answer.status = static_cast<int>(response.result_int());
    answer.raw_body = response.body();
    answer.body = nlohmann::json::parse(answer.raw_body, nullptr, false);
    for (const auto& field : response) {
      answer.headers[std::string(field.name_string())] = std::string(field.value());
    }
    return answer;
  }

  HttpAnswer request(const std::string& method, const std::string& target, const std::string& body,
                     const std::string& token,
                     const std::string& content_type = "application/json") {
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.empty()) raw += "Authorization: Bearer " + token + "\r\n";
    if (!content_type.empty()) raw += "Content-Type: " + content_type + "\r\n";
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    send_raw(raw);
    return read_answer();
  }

  // True when the server closed the connection (read gives EOF).
  bool closed_by_server() {
    char byte = 0;
    boost::system::error_code ec;
    socket_.read_some(boost::asio::buffer(&byte, 1), ec);
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

inline HttpAnswer http_request(const std::string& address, const std::string& method,
                               const std::string& target, const std::string& body,
                               const std::string& token,
                               const std::string& content_type = "application/json") {
  HttpConnection connection(address);
  return connection.request(method, target, body, token, content_type);
}

}  // namespace openclawd::testing
