"""The real app under gunicorn for load and fault tests, and a TCP proxy to cut its database."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import requests

from config import TestingConfig

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PRESCREEN_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "load-test-secret-key",
        "ENCRYPTION_KEYS": TestingConfig.ENCRYPTION_KEYS,
        "BLIND_INDEX_KEY": TestingConfig.BLIND_INDEX_KEY,
        "RATELIMIT_ENABLED": "false",
        "SQLITE_BUSY_SECONDS": "2",
    }
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - our own venv's flask
        [str(BIN / "flask"), "--app", "run", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


class Gunicorn:
    """gunicorn serving ``run:app`` on a free port; ``url`` is its base address."""

    def __init__(self, env: dict[str, str], workers: int = 3) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
            [
                str(BIN / "gunicorn"),
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "2",
                "--timeout",
                "30",
                "run:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with suppress(requests.RequestException):
                if requests.get(self.url + "/healthz", timeout=5).status_code in (200, 503):
                    return
            time.sleep(0.2)
        output = self.output()
        self.stop()
        raise RuntimeError("gunicorn did not start: " + output)

    def worker_pids(self) -> list[int]:
        out = subprocess.run(  # noqa: S603
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()]

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 3) -> Iterator[Gunicorn]:
    server = Gunicorn(env, workers)
    try:
        yield server
    finally:
        server.stop()


class Proxy:
    """A TCP forwarder to the database that a test can cut and restore."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.up = threading.Event()
        self.up.set()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            if not self.up.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            self.connections += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            with suppress(OSError, ValueError):
                while self.up.is_set():
                    ready, _, _ = select.select([a, b], [], [], 0.2)
                    for sock in ready:
                        data = sock.recv(65536)
                        if not data:
                            return
                        (b if sock is a else a).sendall(data)
        finally:
            for sock in (a, b):
                sock.close()

    def cut(self) -> None:
        self.up.clear()
        for sock in self.connections:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.connections.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def restore(self) -> None:
        self.up.set()


def token(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise AssertionError("no CSRF token on the page")
    return match.group(1)


class Patient:
    """One person filling in the questionnaire over HTTP, retrying what a browser would."""

    def __init__(
        self,
        base: str,
        answers: dict[str, Any],
        retries: int = 5,
        *,
        retry_statuses: tuple[int, ...] = (503,),
    ) -> None:
        self.base = base
        self.answers = answers
        self.http = requests.Session()
        self.retries = retries
        # 503: the app asks to retry; behind a proxy, 502 too: the server it chose died.
        self.retry_statuses = retry_statuses
        self.statuses: list[int] = []

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        for attempt in range(self.retries):
            try:
                response = self.http.request(
                    method, self.base + path, timeout=30, allow_redirects=False, **kwargs
                )
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # A worker died (before answering, or half-way through the answer, which a
                # proxy has started to pass on): the browser tries again.
                time.sleep(0.2 * (attempt + 1))
                continue
            self.statuses.append(response.status_code)
            if response.status_code in self.retry_statuses:
                time.sleep(float(response.headers.get("Retry-After", "1")) / 5)
                continue
            return response
        raise AssertionError(f"{method} {path} failed {self.retries} times")

    def complete(self) -> str:
        """Fill in every step, submit, and return the reference on the confirmation page."""
        return self.submit(self.fill_in())

    def fill_in(self) -> requests.Response:
        """Answer and continue every step; the review page."""
        from app import questionnaire
        from tests.screening.walk import step_form

        for step in questionnaire.visible_steps(self.answers):
            page = self._send("GET", f"/screening/{step.name}")
            assert page.status_code == 200, (step.name, page.status_code)
            data = {"csrf_token": token(page.text), **step_form(step, self.answers)}
            sent = self._send(
                "POST", f"/screening/{step.name}", data={**data, "action": "continue"}
            )
            assert sent.status_code == 302, (step.name, sent.status_code, sent.text[:500])
        review = self._send("GET", "/screening/review")
        assert review.status_code == 200, review.status_code
        return review

    def submit(self, review: requests.Response) -> str:
        """Send the answers from the review page; the reference on the confirmation page."""
        key = review.text.split('name="submit_key" value="', 1)[1].split('"', 1)[0]
        done = self._send(
            "POST", "/screening/submit", data={"csrf_token": token(review.text), "submit_key": key}
        )
        assert done.status_code == 302, done.status_code
        confirmation = self._send("GET", "/screening/done")
        match = re.search(r'class="reference">(PS-[0-9A-Z]{4}-[0-9A-Z]{4})<', confirmation.text)
        assert match, confirmation.text[:500]
        return match.group(1)


def worker(env: dict[str, str], log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    """A real `flask worker` process in a session of its own (stop it with os.killpg); its
    standard error goes to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own venv's flask
            [str(BIN / "flask"), "--app", "run", "worker", "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
            start_new_session=True,
        )
