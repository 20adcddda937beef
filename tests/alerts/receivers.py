"""Real receivers for alert tests: an SMTP server (aiosmtpd) and a webhook receiver that
checks the HMAC-SHA256 signature, both on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

PORTS = range(5600, 5700)


def free_port() -> int:
    """A free port in this test run's range."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5600-5699")


class Mailbox:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived: list[float] = []  # time.time() of each message

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        self.arrived.append(time.time())
        return "250 OK"

    def wait(self, count: int, seconds: float = 60) -> list[Message]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, str]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


class Webhook:
    """What the receiver got: each request's JSON, headers and whether its signature held."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.received: list[dict[str, Any]] = []
        self.answers: list[int] = []  # status codes to answer with, in turn (then 200)
        self.delay = 0.0  # seconds the next request waits before its answer

    def verify(self, headers: Any, body: bytes) -> bool:
        timestamp = headers.get("X-Prescreen-Timestamp", "")
        expected = hmac.new(
            self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        given = headers.get("X-Prescreen-Signature", "").removeprefix("sha256=")
        return hmac.compare_digest(expected, given)

    def wait(self, count: int, seconds: float = 60) -> list[dict[str, Any]]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


@contextmanager
def webhook_receiver(secret: str) -> Iterator[tuple[Webhook, str]]:
    hook = Webhook(secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            hook.received.append(
                {
                    "json": json.loads(body),
                    "verified": hook.verify(self.headers, body),
                    "key": self.headers.get("Idempotency-Key"),
                }
            )
            delay, hook.delay = hook.delay, 0.0  # only the first request waits
            if delay:
                time.sleep(delay)
            status = hook.answers.pop(0) if hook.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
