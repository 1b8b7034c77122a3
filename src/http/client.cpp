// libcurl's multi interface on the daemon's io_context. curl tells us which
// sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to time out
// (CURLMOPT_TIMERFUNCTION); asio waits and calls curl_multi_socket_action.
// Sockets curl opens for connections are created here (CURLOPT_OPENSOCKETFUNCTION)
// so asio owns them; others it reports (its resolver's wake-up pipe) are only
// watched and released, never closed by us.
#include "openclawd/http/client.hpp"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <map>
#include <mutex>

#include "openclawd/core/log.hpp"

namespace openclawd::http {

std::string_view to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::connect:
      return "connect";
    case FailureKind::tls:
      return "tls";
    case FailureKind::timeout:
      return "timeout";
    case FailureKind::transport:
      break;
  }
  return "transport";
}

namespace {

std::once_flag curl_global_once;
CURLcode curl_global_status = CURLE_OK;

FailureKind kind_of(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return FailureKind::connect;
    case CURLE_OPERATION_TIMEDOUT:
      return FailureKind::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return FailureKind::tls;
    default:
      return FailureKind::transport;
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

class HttpClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  struct Socket {
    explicit Socket(boost::asio::io_context& io, int fd, bool owned)
        : descriptor(io, fd), owned(owned) {}
    boost::asio::posix::stream_descriptor descriptor;
    bool owned;      // opened through opensocket: closed by us when curl says so
    int wanted = 0;  // CURL_POLL_IN / OUT / INOUT, 0 when curl has no interest
    bool reading = false;
    bool writing = false;
  };

  struct Call final : ClientCall {
    std::weak_ptr<Impl> impl;
    CURL* easy = nullptr;
    curl_slist* header_list = nullptr;
    ClientRequest request;
    ClientHandlers handlers;
    char error[CURL_ERROR_SIZE] = {};
    long status = 0;
    std::string content_type;
    bool head_sent = false;
    bool cancelled = false;
    bool finished = false;

    void cancel() override {
      if (cancelled || finished) return;
      cancelled = true;
      // curl must not be re-entered from its own callbacks: remove later.
      if (auto owner = impl.lock()) owner->remove_later(easy);
    }

    void send_head() {
      if (head_sent) return;
      head_sent = true;
      if (handlers.on_head) handlers.on_head(ResponseHead{status, content_type});
    }
  };

  explicit Impl(boost::asio::io_context& io) : io_(io), timer_(io) {}

  ~Impl() {
    for (auto& [easy, call] : calls_) {
      curl_multi_remove_handle(multi_, easy);
      release(*call);
    }
    calls_.clear();
    // Closes the kept connections (closesocket callbacks use sockets_).
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
    for (auto& [fd, socket] : sockets_) {
      boost::system::error_code ignored;
      if (socket->owned) {
        socket->descriptor.close(ignored);
      } else {
        socket->descriptor.release();
      }
    }
  }

  Status init() {
    multi_ = curl_multi_init();
    if (multi_ == nullptr) return make_error("HTTP client: curl_multi_init failed");
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    return ok_status();
  }

  std::shared_ptr<ClientCall> start(ClientRequest request, ClientHandlers handlers) {
    auto call = std::make_shared<Call>();
    call->impl = weak_from_this();
    call->request = std::move(request);
    call->handlers = std::move(handlers);
    call->easy = curl_easy_init();
    if (call->easy == nullptr) {
      fail_soon(call, "curl_easy_init failed");
      return call;
    }
    configure(*call);
    const CURLMcode added = curl_multi_add_handle(multi_, call->easy);
    if (added != CURLM_OK) {
      fail_soon(call, curl_multi_strerror(added));
      return call;
    }
    calls_.emplace(call->easy, call);
    return call;
  }

  std::size_t in_flight() const { return calls_.size(); }

  void remove_later(CURL* easy) {
    boost::asio::post(io_, [weak = weak_from_this(), easy] {
      auto self = weak.lock();
      if (!self) return;
      auto it = self->calls_.find(easy);
      if (it == self->calls_.end()) return;
      auto call = it->second;
      self->calls_.erase(it);
      curl_multi_remove_handle(self->multi_, easy);
      self->release(*call);
    });
  }

 private:
  void configure(Call& call) {
    CURL* easy = call.easy;
    const auto& request = call.request;
    for (const auto& header : request.headers) {
      call.header_list = curl_slist_append(call.header_list, header.c_str());
    }
    // curl adds "Expect: 100-continue" to large POSTs: a needless round trip.
    call.header_list = curl_slist_append(call.header_list, "Expect:");
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, call.header_list);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, call.error);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "openclawd");
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!request.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, request.ca_file.c_str());
    if (request.method == "POST") {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    } else {
      curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     std::max<long>(1, static_cast<long>(request.connect_timeout.count())));
    if (request.timeout.count() > 0) {
      curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    }
    if (request.idle_timeout.count() > 0) {
      // curl counts stalls in whole seconds: under 1 byte/s for that long.
      const long seconds =
          std::max<long>(1, static_cast<long>((request.idle_timeout.count() + 999) / 1000));
      curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, seconds);
    }
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &call);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::on_write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &call);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close_socket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  }

  void release(Call& call) {
    if (call.easy != nullptr) curl_easy_cleanup(call.easy);
    call.easy = nullptr;
    curl_slist_free_all(call.header_list);
    call.header_list = nullptr;
  }

  // A failure found before curl ran: reported from the loop, as a real one.
  void fail_soon(const std::shared_ptr<Call>& call, std::string message) {
    release(*call);
    boost::asio::post(io_, [call, message = std::move(message)] {
      if (call->cancelled) return;
      call->finished = true;
      if (call->handlers.on_done) {
        call->handlers.on_done(ClientFailure{FailureKind::transport, "HTTP client: " + message});
      }
    });
  }

  void socket_action(curl_socket_t fd, int events) {
    int running = 0;
    curl_multi_socket_action(multi_, fd, events, &running);
    collect_finished();
  }

  void collect_finished() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      auto it = calls_.find(easy);
      if (it == calls_.end()) continue;
      auto call = it->second;
      calls_.erase(it);
      curl_multi_remove_handle(multi_, easy);
      if (call->status == 0) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &call->status);
      std::optional<ClientFailure> failure;
      if (code != CURLE_OK) {
        const std::string reason = call->error[0] != '\0' ? call->error : curl_easy_strerror(code);
        failure = ClientFailure{kind_of(code), call->request.url + ": " + reason};
      }
      release(*call);
      if (call->cancelled) continue;
      call->finished = true;
      if (!failure) call->send_head();
      if (call->handlers.on_done) call->handlers.on_done(std::move(failure));
    }
  }

  void arm(const std::shared_ptr<Socket>& socket, curl_socket_t fd) {
    auto weak = weak_from_this();
    if ((socket->wanted & CURL_POLL_IN) != 0 && !socket->reading) {
      socket->reading = true;
      socket->descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                    [weak, socket, fd](const boost::system::error_code& ec) {
                                      socket->reading = false;
                                      auto self = weak.lock();
                                      if (!self || ec || (socket->wanted & CURL_POLL_IN) == 0)
                                        return;
                                      self->socket_action(fd, CURL_CSELECT_IN);
                                      self->rearm(socket, fd);
                                    });
    }
    if ((socket->wanted & CURL_POLL_OUT) != 0 && !socket->writing) {
      socket->writing = true;
      socket->descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                                    [weak, socket, fd](const boost::system::error_code& ec) {
                                      socket->writing = false;
                                      auto self = weak.lock();
                                      if (!self || ec || (socket->wanted & CURL_POLL_OUT) == 0)
                                        return;
                                      self->socket_action(fd, CURL_CSELECT_OUT);
                                      self->rearm(socket, fd);
                                    });
    }
  }

  // After an action the socket may have been closed or replaced by another
  // with the same number: only the one still registered is armed again.
  void rearm(const std::shared_ptr<Socket>& socket, curl_socket_t fd) {
    auto it = sockets_.find(fd);
    if (it != sockets_.end() && it->second == socket) arm(socket, fd);
  }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
    auto* self = static_cast<Impl*>(user);
    auto it = self->sockets_.find(fd);
    if (what == CURL_POLL_REMOVE) {
      if (it == self->sockets_.end()) return 0;
      it->second->wanted = 0;
      if (!it->second->owned) {
        // Not ours to close: stop watching and hand the descriptor back.
        it->second->descriptor.release();
        self->sockets_.erase(it);
      }
      return 0;
    }
    if (it == self->sockets_.end()) {
      it = self->sockets_.emplace(fd, std::make_shared<Socket>(self->io_, fd, false)).first;
    }
    it->second->wanted = what;
    self->arm(it->second, fd);
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (timeout_ms < 0) {
      self->timer_.cancel();
      return 0;
    }
    // Even a 0 ms timeout runs from the loop: curl must not be re-entered here.
    self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    self->timer_.async_wait([weak = self->weak_from_this()](const boost::system::error_code& ec) {
      auto me = weak.lock();
      if (!me || ec) return;
      me->socket_action(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }

  static curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* self = static_cast<Impl*>(user);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    // A number the kernel hands out again may still be listed from a socket
    // curl stopped watching without closing through us: forget that one.
    if (auto stale = self->sockets_.find(fd); stale != self->sockets_.end()) {
      stale->second->descriptor.release();
      self->sockets_.erase(stale);
    }
    self->sockets_.emplace(fd, std::make_shared<Socket>(self->io_, fd, true));
    return fd;
  }

  static int on_close_socket(void* user, curl_socket_t fd) {
    auto* self = static_cast<Impl*>(user);
    auto it = self->sockets_.find(fd);
    if (it == self->sockets_.end()) return ::close(fd);
    auto socket = it->second;
    self->sockets_.erase(it);
    socket->wanted = 0;
    boost::system::error_code ec;
    if (socket->owned) {
      socket->descriptor.close(ec);
    } else {
      socket->descriptor.release();
      ::close(fd);
    }
    return ec ? 1 : 0;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* call = static_cast<Call*>(user);
    const std::size_t bytes = size * count;
    if (call->cancelled) return 0;
    std::string_view line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {
      // A new status line (after 100 Continue, say): the headers start over.
      const auto space = line.find(' ');
      call->status = space == std::string_view::npos
                         ? 0
                         : std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
      call->content_type.clear();
      return bytes;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && lower(line.substr(0, colon)) == "content-type") {
      call->content_type = lower(trim(line.substr(colon + 1)));
    }
    return bytes;
  }

  static std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
    auto* call = static_cast<Call*>(user);
    const std::size_t bytes = size * count;
    if (call->cancelled) return 0;
    call->send_head();
    if (call->cancelled) return 0;
    if (call->handlers.on_body) call->handlers.on_body(std::string_view(data, bytes));
    // A handler that cancelled makes curl stop the transfer here.
    return call->cancelled ? 0 : bytes;
  }

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  CURLM* multi_ = nullptr;
  std::map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  std::map<CURL*, std::shared_ptr<Call>> calls_;
};

Result<std::unique_ptr<HttpClient>> HttpClient::create(boost::asio::io_context& io) {
  std::call_once(curl_global_once,
                 [] { curl_global_status = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (curl_global_status != CURLE_OK) {
    return make_error(std::string("HTTP client: curl_global_init failed: ") +
                      curl_easy_strerror(curl_global_status));
  }
  auto impl = std::make_shared<Impl>(io);
  if (auto ready = impl->init(); !ready) return ready.error();
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

std::shared_ptr<ClientCall> HttpClient::start(ClientRequest request, ClientHandlers handlers) {
  return impl_->start(std::move(request), std::move(handlers));
}

std::size_t HttpClient::in_flight() const {
  return impl_->in_flight();
}

}  // namespace openclawd::http
