#!/usr/bin/env python3
"""A loopback STUB of an OpenAI-compatible model provider, for tests only.

It speaks the real wire protocol of the Chat Completions API (JSON answers,
and Server-Sent Events with chat.completion.chunk deltas and "[DONE]" when the
request asks for "stream": true) but its answers are scripted: nothing is a
model. Every request it gets is recorded (method, path, headers, body) as one
JSON line, so a test can check what reached "the provider".

Usage: openai_stub_server.py PORT_FILE RECORD_FILE SCRIPT_FILE [--cert C --key K]
  PORT_FILE    the bound port is written here once the server listens
  RECORD_FILE  one JSON line per request received
  SCRIPT_FILE  JSON, re-read on every request: {"<model>": scenario, ...}; the
               scenario of the request's "model" (else "default") says:
    status        HTTP status (default 200)
    delay_ms      wait before the status line
    json          a whole answer (non-stream); default: a completion that
                  echoes the last user message
    reply         text of the default answer instead of the echo
    tool_calls    [{"name", "arguments"}] the default answer calls
    chunks        SSE: the data of each event, in order ("[DONE]" included)
                  default for stream requests: reply/echo split in 4-byte deltas
    chunk_delay_ms   wait between events
    piece_bytes   write each event in pieces of this many bytes
    break_after   close the connection after this many events
    usage         {"prompt_tokens", "completion_tokens", "total_tokens"}
GET /v1/models (or <prefix>/models) answers a fixed model list.
Listens on 127.0.0.1 only.
"""
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, record_file, script_file = sys.argv[1:4]
cert = key = None
rest = sys.argv[4:]
for i, arg in enumerate(rest):
    if arg == "--cert":
        cert = rest[i + 1]
    if arg == "--key":
        key = rest[i + 1]

record_lock = threading.Lock()


def load_script():
    try:
        with open(script_file, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def last_user_text(body):
    text = ""
    for message in body.get("messages", []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                text = content
            elif isinstance(content, list):
                text = "\n".join(p.get("text", "") for p in content if p.get("type") == "text")
    return text


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, body_text):
        entry = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body_text,
        }
        with record_lock, open(record_file, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def send_json(self, status, document):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.record("")
        if self.path.endswith("/models"):
            return self.send_json(200, {"object": "list", "data": [
                {"id": "stub-model", "object": "model", "owned_by": "openclawd-test-stub"}]})
        self.send_json(404, {"error": {"message": "no such path", "type": "invalid_request_error"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length).decode("utf-8", "replace")
        self.record(raw)
        try:
            body = json.loads(raw)
        except ValueError:
            return self.send_json(400, {"error": {"message": "bad json", "type": "invalid_request_error"}})
        script = load_script()
        scenario = script.get(body.get("model", ""), script.get("default", {}))
        time.sleep(scenario.get("delay_ms", 0) / 1000)
        status = scenario.get("status", 200)
        reply = scenario.get("reply", "echo: " + last_user_text(body))
        calls = scenario.get("tool_calls", [])
        usage = scenario.get("usage", {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18})
        if status != 200 or not body.get("stream"):
            if "json" in scenario:
                return self.send_json(status, scenario["json"])
            message = {"role": "assistant", "content": reply}
            if calls:
                message["tool_calls"] = [
                    {"id": f"call_{i}", "type": "function",
                     "function": {"name": c["name"], "arguments": c["arguments"]}}
                    for i, c in enumerate(calls)]
            return self.send_json(status, {
                "id": "chatcmpl-stub", "object": "chat.completion", "created": 1,
                "model": body.get("model", ""),
                "choices": [{"index": 0, "message": message,
                             "finish_reason": "tool_calls" if calls else "stop"}],
                "usage": usage})
        chunks = scenario.get("chunks")
        if chunks is None:
            base = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 1,
                    "model": body.get("model", "")}
            chunks = [json.dumps({**base, "choices": [
                {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})]
            for i in range(0, len(reply), 4):
                chunks.append(json.dumps({**base, "choices": [
                    {"index": 0, "delta": {"content": reply[i:i + 4]}, "finish_reason": None}]}))
            for i, c in enumerate(calls):
                args = c["arguments"]
                chunks.append(json.dumps({**base, "choices": [{"index": 0, "delta": {"tool_calls": [
                    {"index": i, "id": f"call_{i}", "type": "function",
                     "function": {"name": c["name"], "arguments": ""}}]}, "finish_reason": None}]}))
                for j in range(0, len(args), 5):
                    chunks.append(json.dumps({**base, "choices": [{"index": 0, "delta": {"tool_calls": [
                        {"index": i, "function": {"arguments": args[j:j + 5]}}]}, "finish_reason": None}]}))
            chunks.append(json.dumps({**base, "choices": [
                {"index": 0, "delta": {}, "finish_reason": "tool_calls" if calls else "stop"}]}))
            chunks.append(json.dumps({**base, "choices": [], "usage": usage}))
            chunks.append("[DONE]")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        piece = scenario.get("piece_bytes", 0)
        for n, chunk in enumerate(chunks):
            if "break_after" in scenario and n >= scenario["break_after"]:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            event = ("data: " + chunk + "\n\n").encode()
            if piece:
                for i in range(0, len(event), piece):
                    self.wfile.write(event[i:i + piece])
                    self.wfile.flush()
            else:
                self.wfile.write(event)
                self.wfile.flush()
            time.sleep(scenario.get("chunk_delay_ms", 0) / 1000)
        self.close_connection = True


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if cert:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402  (rename makes the port file appear whole)
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
