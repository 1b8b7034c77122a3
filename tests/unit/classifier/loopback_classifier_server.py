#!/usr/bin/python3
"""A loopback stand-in for the reference Python model servers (FastAPI), speaking
their protocol so the HTTP backend can be tested without model weights:
  POST /classify {"text"} -> {"label", "confidence", "scores"}
  POST /classify {"texts": [...]} -> {"results": [...]}
  GET /health -> {"status": "ok"}
Its "model" flags texts containing "ignore previous". "sleep" makes it answer late,
"garbage" makes it answer non-JSON. GET /stats (test only) counts requests and
TCP connections, to check that the client reuses connections.
Usage: loopback_classifier_server.py PORT_FILE  (binds 127.0.0.1:0, writes the port)
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATS = {"requests": 0, "connections": 0}
LOCK = threading.Lock()


def score(text):
    p = 0.97 if "ignore previous" in text.lower() else 0.02
    label = "INJECTION" if p >= 0.5 else "SAFE"
    return {"label": label, "confidence": max(p, 1 - p), "scores": {"SAFE": 1 - p, "INJECTION": p}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] += 1

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, json.dumps({"status": "ok"}))
        elif self.path == "/stats":
            with LOCK:
                self.reply(200, json.dumps(STATS))
        else:
            self.reply(404, json.dumps({"detail": "Not Found"}))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with LOCK:
            STATS["requests"] += 1
        if self.path != "/classify":
            return self.reply(404, json.dumps({"detail": "Not Found"}))
        try:
            request = json.loads(body)
        except ValueError:
            return self.reply(422, json.dumps({"detail": "invalid JSON"}))
        texts = request.get("texts")
        everything = " ".join(texts) if texts is not None else request.get("text", "")
        if "sleep" in everything:
            time.sleep(2)
        if "garbage" in everything:
            return self.reply(200, "<html>oops</html>", "text/html")
        if texts is not None:
            return self.reply(200, json.dumps({"results": [score(t) for t in texts]}))
        if not isinstance(request.get("text"), str):
            return self.reply(422, json.dumps({"detail": "text is required"}))
        self.reply(200, json.dumps(score(request["text"])))


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
