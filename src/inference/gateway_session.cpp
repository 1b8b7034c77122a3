#include "gateway_session.hpp"

#include <fmt/format.h>

#include <boost/beast/http.hpp>

#include "openclawd/core/log.hpp"
#include "openclawd/http/bearer.hpp"
#include "openclawd/inference/response_filter.hpp"

namespace openclawd::inference {
namespace {

namespace bhttp = boost::beast::http;

// Headers of the guest's request that go on to the provider (OpenRouter's
// attribution headers, the accepted answer types). Authorization never does.
constexpr std::string_view kForwardedHeaders[] = {"Accept", "HTTP-Referer", "X-Title"};

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

bool is_json(std::string_view content_type) {
  return content_type.substr(0, content_type.find(';')).find("json") != std::string_view::npos;
}

bool is_event_stream(std::string_view content_type) {
  return content_type.starts_with("text/event-stream");
}

// "/<provider>/v1/<rest>" -> (provider, rest); empty when the path is not one.
std::pair<std::string, std::string> split_route(std::string_view target) {
  if (target.size() < 2 || target.front() != '/') return {};
  const auto slash = target.find('/', 1);
  if (slash == std::string_view::npos) return {};
  const auto rest = target.substr(slash);
  if (!rest.starts_with("/v1/")) return {};
  return {std::string(target.substr(1, slash - 1)), std::string(rest.substr(4))};
}

std::string sse_error(std::string_view code, std::string_view message) {
  return "data: " + http::error_body(502, code, message).dump() + "\n\n";
}

}  // namespace

GatewaySession::GatewaySession(boost::asio::ip::tcp::socket socket,
                               std::shared_ptr<http::Server> server,
                               std::shared_ptr<Gateway> gateway)
    : Session(std::move(socket), std::move(server)),
      gateway_(std::move(gateway)),
      first_byte_timer_(this->server().io()) {}

GatewaySession::~GatewaySession() {
  // The session can only go while no call of its is running (every handler
  // holds it); a call that never finished is still accounted for.
  if (call_ && !call_->finished) {
    call_->record.status = 499;
    call_->record.error_code = "client_closed";
    call_->record.error = "the connection closed before the answer was complete";
    finish_call();
  }
}

GatewaySession::Call* GatewaySession::current(std::uint64_t id) {
  return call_ && call_->id == id && !call_->finished ? &*call_ : nullptr;
}

std::shared_ptr<GatewaySession> GatewaySession::self() {
  return std::static_pointer_cast<GatewaySession>(shared_from_this());
}

void GatewaySession::on_status(unsigned status) {
  gateway_->count_http(status);
  // An answer the server base gave itself (a body over the limit, say) is
  // still this call's.
  if (call_ && !call_->finished && call_->record.status == 0) call_->record.status = status;
}

void GatewaySession::on_closed() {
  if (!call_ || call_->finished) return;
  first_byte_timer_.cancel();
  if (call_->upstream) call_->upstream->cancel();
  if (call_->record.status == 0) call_->record.status = 499;
  if (call_->record.error_code.empty()) {
    call_->record.error_code = "client_closed";
    call_->record.error = "the connection closed before the answer was complete";
  }
  finish_call();
}

void GatewaySession::on_header(Parser& parser) {
  const auto& request = parser.get();
  std::string_view target = request.target();
  target = target.substr(0, target.find('?'));
  if (target == "/v1/health" || target == "/health") {
    if (request.method() != bhttp::verb::get) {
      return fail(405, "method_not_allowed", "use GET /v1/health", "GET");
    }
    nlohmann::json providers = nlohmann::json::array();
    for (const auto& provider : gateway_->settings().providers) providers.push_back(provider.name);
    return respond_json(200, {{"status", "ok"}, {"providers", providers}});
  }
  const auto [name, rest] = split_route(target);
  if (name.empty() || (rest != "chat/completions" && rest != "models")) {
    return fail(404, "not_found",
                "no such endpoint; use POST /<provider>/v1/chat/completions or GET "
                "/<provider>/v1/models");
  }
  const Provider* provider = gateway_->provider(name);
  if (provider == nullptr) {
    std::string known;
    for (const auto& p : gateway_->settings().providers)
      known += (known.empty() ? "" : ", ") + p.name;
    return fail(404, "unknown_provider",
                fmt::format("no provider \"{}\" (inference.providers has: {})", name, known));
  }
  const auto client = gateway_->client_of(http::bearer_token(request[bhttp::field::authorization]));
  if (!client) {
    return fail(401, "unauthorized",
                "missing or wrong bearer token (Authorization: Bearer <the VM's "
                "inference-token, OPENCLAWD_INFERENCE_TOKEN>)");
  }
  if (rest == "models") {
    if (request.method() != bhttp::verb::get) {
      return fail(405, "method_not_allowed", "use GET /<provider>/v1/models", "GET");
    }
    begin_call("models", *provider, *client);
    remember_forwarded_headers(request);
    if (!call_->admitted) return;
    return forward("/models", "GET", {});
  }
  if (request.method() != bhttp::verb::post) {
    return fail(405, "method_not_allowed", "use POST /<provider>/v1/chat/completions", "POST");
  }
  if (!is_json(request[bhttp::field::content_type])) {
    return fail(415, "unsupported_media_type", "the body must be Content-Type: application/json");
  }
  begin_call("chat", *provider, *client);
  if (!call_->admitted) return;
  remember_forwarded_headers(request);
  read_body();
}

void GatewaySession::remember_forwarded_headers(const Parser::value_type& request) {
  for (const auto& name : kForwardedHeaders) {
    const auto value = request[name];
    if (!value.empty()) {
      call_->forwarded_headers.push_back(std::string(name) + ": " + std::string(value));
    }
  }
}

GatewaySession::Call::Call() = default;

void GatewaySession::begin_call(std::string route, const Provider& provider, std::string client) {
  call_.emplace();
  call_->id = ++calls_started_;
  call_->started = std::chrono::steady_clock::now();
  call_->provider = &provider;
  call_->record.ts = std::chrono::system_clock::now();
  call_->record.route = std::move(route);
  call_->record.provider = provider.name;
  call_->record.client = std::move(client);
  call_->record.peer = remote_string();
  if (!gateway_->admit()) {
    call_->finished = true;
    call_->record.status = 503;
    call_->record.error_code = "busy";
    gateway_->finish(call_->record, false);
    fail(503, "busy",
         fmt::format("{} model calls are running (inference.max_concurrent_calls); retry shortly",
                     gateway_->settings().max_concurrent_calls));
    return;
  }
  call_->admitted = true;
}

void GatewaySession::on_request(Parser& parser) {
  call_->body = std::move(parser.get().body());
  call_->record.request_bytes = call_->body.size();
  auto parsed = parse_chat_request(call_->body);
  if (!parsed) return answer_error(400, "invalid_request", parsed.error().message);
  call_->request = std::make_unique<ChatRequest>(std::move(*parsed));
  call_->record.model = call_->request->model;
  call_->record.stream = call_->request->stream;
  call_->filter =
      std::make_unique<RequestFilter>(*call_->request, call_->record.client,
                                      gateway_->settings().user_message_source, gateway_->seen());
  // The provider may take minutes; its own timeouts bound the wait.
  suspend_timeout();
  auto scans = call_->filter->scans();
  if (scans.empty()) {
    call_->record.request_defender = call_->filter->summary();
    return forward("/chat/completions", "POST", call_->filter->upstream_body(call_->body));
  }
  call_->scan_started = std::chrono::steady_clock::now();
  gateway_->scanner().scan(
      std::move(scans), "inference",
      [self = self(), id = call_->id](std::vector<defender::ScanResult> results) {
        Call* call = self->current(id);
        if (call == nullptr) return;
        call->record.scan_ms += ms_since(call->scan_started);
        call->filter->apply(results);
        call->record.request_defender = call->filter->summary();
        self->forward("/chat/completions", "POST", call->filter->upstream_body(call->body));
      });
}

void GatewaySession::forward(std::string path, std::string method, std::string body) {
  auto key = gateway_->api_key(*call_->provider);
  if (!key) return answer_error(502, "provider_key_missing", key.error().message);
  const auto& settings = gateway_->settings();
  http::ClientRequest request;
  request.method = std::move(method);
  request.url = call_->provider->base_url + path;
  request.ca_file = call_->provider->ca_file;
  request.connect_timeout = settings.connect_timeout;
  request.timeout = settings.call_timeout;
  request.idle_timeout = settings.idle_timeout;
  request.headers.push_back("Authorization: Bearer " + *key);
  if (request.method == "POST") request.headers.push_back("Content-Type: application/json");
  for (const auto& header : call_->forwarded_headers) request.headers.push_back(header);
  request.body = std::move(body);
  call_->record.upstream_request_bytes = request.body.size();

  auto session = self();
  const auto id = call_->id;
  first_byte_timer_.expires_after(settings.first_byte_timeout);
  first_byte_timer_.async_wait([session, id](const boost::system::error_code& ec) {
    Call* call = session->current(id);
    if (ec || call == nullptr || call->mode != Mode::none) return;
    if (call->upstream) call->upstream->cancel();
    session->answer_error(504, "upstream_timeout",
                          fmt::format("provider \"{}\" did not start answering within {} ms "
                                      "(inference.first_byte_timeout_ms)",
                                      call->provider->name,
                                      session->gateway_->settings().first_byte_timeout.count()));
  });
  http::ClientHandlers handlers;
  handlers.on_head = [session, id](const http::ResponseHead& head) {
    if (session->current(id) != nullptr) session->on_upstream_head(head);
  };
  handlers.on_body = [session, id](std::string_view piece) {
    if (session->current(id) != nullptr) session->on_upstream_body(piece);
  };
  handlers.on_done = [session, id](std::optional<http::ClientFailure> failure) {
    if (session->current(id) != nullptr) session->on_upstream_done(std::move(failure));
  };
  call_->upstream = gateway_->client().start(std::move(request), std::move(handlers));
}

void GatewaySession::on_upstream_head(const http::ResponseHead& head) {
  if (call_->finished) return;
  first_byte_timer_.cancel();
  call_->record.first_byte_ms = ms_since(call_->started);
  call_->upstream_status = static_cast<unsigned>(head.status);
  call_->content_type = head.content_type;
  const bool ok = head.status >= 200 && head.status < 300;
  if (ok && call_->record.route == "chat" && is_event_stream(head.content_type)) {
    call_->mode = Mode::stream;
    call_->relay.emplace(gateway_->redactor(), call_->filter->last_user_text());
    begin_stream(call_->upstream_status, head.content_type);
  } else if (ok && call_->record.route == "chat") {
    call_->mode = Mode::whole;
  } else {
    call_->mode = Mode::passthrough;  // the provider's errors and the model list, as they are
  }
}

void GatewaySession::on_upstream_body(std::string_view piece) {
  if (call_->finished) return;
  call_->record.response_bytes += piece.size();
  const std::size_t limit = gateway_->settings().max_response_bytes;
  if (call_->mode == Mode::stream) {
    stream_write(call_->relay->feed(piece));
    if (call_->relay->waiting() && !call_->checking) check_relay_calls();
    if (stream_backlog() > limit) {
      // The guest does not read what it asked for: stop the call.
      call_->upstream->cancel();
      call_->record.error_code = "client_too_slow";
      call_->record.error = "the guest did not read the answer";
      call_->record.status = call_->upstream_status;
      finish_call();
      close();
    }
    return;
  }
  if (call_->buffer.size() + piece.size() > limit) {
    call_->upstream->cancel();
    return answer_error(502, "upstream_too_large",
                        fmt::format("the provider's answer is larger than {} bytes "
                                    "(inference.max_response_bytes)",
                                    limit));
  }
  call_->buffer.append(piece);
}

void GatewaySession::on_upstream_done(std::optional<http::ClientFailure> failure) {
  if (call_->finished) return;
  first_byte_timer_.cancel();
  call_->upstream_done = true;
  call_->upstream_failure = std::move(failure);
  const auto& failed = call_->upstream_failure;
  if (call_->mode == Mode::stream) return drain_stream();
  if (failed) {
    const bool timeout = failed->kind == http::FailureKind::timeout;
    const std::string code = failed->kind == http::FailureKind::tls ? "upstream_tls"
                             : timeout                              ? "upstream_timeout"
                                                                    : "upstream_unreachable";
    return answer_error(timeout ? 504 : 502, code,
                        fmt::format("provider \"{}\": {}", call_->provider->name, failed->message));
  }
  if (call_->mode == Mode::whole) return answer_whole();
  call_->record.status = call_->upstream_status;
  respond(call_->upstream_status, std::move(call_->buffer),
          call_->content_type.empty() ? "application/json" : call_->content_type);
  finish_call();
}

void GatewaySession::answer_whole() {
  auto filter = ResponseFilter::parse(call_->buffer, call_->filter->last_user_text());
  if (!filter) {
    // Not a chat completion after all: the guest gets it as it came.
    call_->record.status = call_->upstream_status;
    respond(call_->upstream_status, std::move(call_->buffer),
            call_->content_type.empty() ? "application/json" : call_->content_type);
    return finish_call();
  }
  auto shared = std::make_shared<ResponseFilter>(std::move(*filter));
  auto deliver = [this, shared](const std::vector<defender::ScanResult>& results) {
    shared->apply(results, gateway_->redactor());
    call_->record.usage = shared->usage();
    call_->record.tool_calls_checked = shared->tool_calls_checked();
    call_->record.tool_calls_blocked = shared->tool_calls_blocked();
    call_->record.blocked_calls = shared->blocked_calls();
    call_->record.redactions = shared->redactions();
    call_->record.reply_action = std::string(defender::to_string(shared->reply_action()));
    call_->record.status = call_->upstream_status;
    respond(call_->upstream_status, shared->body(call_->buffer), call_->content_type);
    finish_call();
  };
  if (shared->scans().empty()) return deliver({});
  call_->scan_started = std::chrono::steady_clock::now();
  gateway_->scanner().scan(
      shared->scans(), "inference",
      [self = self(), id = call_->id, deliver](std::vector<defender::ScanResult> results) {
        Call* call = self->current(id);
        if (call == nullptr) return;
        call->record.scan_ms += ms_since(call->scan_started);
        deliver(results);
      });
}

void GatewaySession::check_relay_calls() {
  call_->checking = true;
  call_->scan_started = std::chrono::steady_clock::now();
  gateway_->scanner().scan(
      call_->relay->take_checks(), "inference",
      [self = self(), id = call_->id](std::vector<defender::ScanResult> results) {
        Call* call = self->current(id);
        if (call == nullptr) return;
        call->checking = false;
        call->record.scan_ms += ms_since(call->scan_started);
        self->stream_write(call->relay->resume(results));
        if (call->relay->waiting()) return self->check_relay_calls();
        if (call->upstream_done) self->drain_stream();
      });
}

void GatewaySession::drain_stream() {
  if (call_->checking) return;  // the check's completion drains
  stream_write(call_->relay->finish());
  if (call_->relay->waiting()) return check_relay_calls();
  if (call_->upstream_failure || !call_->relay->complete()) {
    // The guest must not take a cut answer for a whole one.
    const std::string reason = call_->upstream_failure
                                   ? call_->upstream_failure->message
                                   : "the stream ended before the answer was complete";
    call_->record.error_code = "upstream_broken";
    call_->record.error = reason;
    stream_write(sse_error("upstream_broken",
                           fmt::format("openclawd: the answer of provider \"{}\" broke off: {}",
                                       call_->provider->name, reason)));
  }
  call_->record.status = call_->upstream_status;
  call_->record.usage = call_->relay->usage();
  call_->record.tool_calls_checked = call_->relay->tool_calls_checked();
  call_->record.tool_calls_blocked = call_->relay->tool_calls_blocked();
  call_->record.blocked_calls = call_->relay->blocked_calls();
  call_->record.redactions = call_->relay->redactions();
  end_stream();
  finish_call();
}

void GatewaySession::answer_error(unsigned status, std::string code, std::string message) {
  if (call_ && !call_->finished) {
    call_->record.status = status;
    call_->record.error_code = code;
    call_->record.error = message;
  }
  if (streaming()) {
    stream_write(sse_error(code, message));
    end_stream();
  } else {
    fail(status, std::move(code), std::move(message));
  }
  finish_call();
}

void GatewaySession::finish_call() {
  if (!call_ || call_->finished) return;
  call_->finished = true;
  first_byte_timer_.cancel();
  call_->record.latency_ms = ms_since(call_->started);
  CallRecord record = call_->record;
  const bool admitted = call_->admitted;
  // A streamed reply is out already: its text is still checked as an outbound
  // message, for the record, before the call is logged.
  std::vector<defender::ScanRequest> outbound;
  if (call_->mode == Mode::stream && call_->relay) {
    for (auto& text : call_->relay->reply_texts()) {
      if (text.empty()) continue;
      defender::ScanRequest scan;
      scan.text = std::move(text);
      scan.source = "outbound_message";
      outbound.push_back(std::move(scan));
    }
  }
  if (outbound.empty()) return gateway_->finish(record, admitted);
  gateway_->scanner().scan(std::move(outbound), "inference",
                           [gateway = gateway_, record = std::move(record),
                            admitted](std::vector<defender::ScanResult> results) mutable {
                             defender::Action strongest = defender::Action::allow;
                             for (const auto& result : results) {
                               strongest = std::max(strongest, result.action);
                             }
                             record.reply_action = std::string(defender::to_string(strongest));
                             gateway->finish(record, admitted);
                           });
}

}  // namespace openclawd::inference
