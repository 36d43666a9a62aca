"""A real HTTP receiver for the webhook tests: checks every signature the way
a receiver should (clerk.webhooks.signing.verify), dedupes by event id, and
counts what it accepted."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from clerk.webhooks.signing import SignatureError, verify


class Receiver:
    def __init__(self, port: int, secret: str):
        self.port, self.secret = port, secret
        self.accepted: Counter[str] = Counter()     # event id -> times acted on
        self.repeats = 0                            # retries answered 2xx without acting
        self.rejected = 0
        self.events: dict[str, dict] = {}
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    event_id = verify(receiver.secret, dict(self.headers), body)
                except SignatureError:
                    receiver.rejected += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                if event_id in receiver.accepted:
                    receiver.repeats += 1
                else:
                    receiver.accepted[event_id] += 1
                    receiver.events[event_id] = json.loads(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
