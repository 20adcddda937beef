"""What every part of the benchmark shares: paths, settings, databases, servers, an HTTP client.

The app runs with the development config and explicit keys (no ``instance/`` files), plain HTTP
cookies (production's ``__Host-`` cookie needs HTTPS) and rate limits off (they would throttle
the load on purpose). Nothing else differs from a normal start.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
BIN = Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/prescreen_bench"
)

# Fixed, benchmark-only secrets: the benchmark process and the servers must agree on them.
APP_ENV = {
    "PRESCREEN_ENV": "development",
    "SECRET_KEY": "benchmark-secret-key-not-for-any-real-use-0123456789",
    "ENCRYPTION_KEYS": "1:YmVuY2htYXJrLWtleS0zMi1ieXRlcy1sb25nLTAwMDA=",
    "BLIND_INDEX_KEY": "YmVuY2htYXJrLWJsaW5kLWluZGV4LWtleS0zMi1ieXQ=",
    "RATELIMIT_ENABLED": "false",
    "TWO_FACTOR_REQUIRED_ALL": "false",
}
STAFF_EMAIL = "bench.coordinator@clinic.example"
STAFF_PASSWORD = "a long benchmark passphrase 7431"  # noqa: S105 (benchmark database only)
SECOND_EMAIL = "bench.second@clinic.example"  # another coordinator, for bulk assignments


def use_app_env(database_url: str) -> None:
    """Point this process's app settings at ``database_url`` (before ``config`` is imported)."""
    os.environ.update(APP_ENV)
    os.environ["DATABASE_URL"] = database_url


def server_env(database_url: str) -> dict[str, str]:
    return {**os.environ, **APP_ENV, "DATABASE_URL": database_url}


def sqlite_url(name: str) -> str:
    return f"sqlite:///{OUT / name}"


# -- databases -------------------------------------------------------------------------------


def fresh_sqlite(name: str) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (OUT / f"{name}{suffix}").unlink(missing_ok=True)
    return sqlite_url(name)


def postgres_available() -> bool:
    from sqlalchemy import create_engine, text

    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    try:
        with create_engine(admin).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def fresh_postgres() -> str:
    """Drop and create the benchmark database (never the test suite's ``test``)."""
    from sqlalchemy import create_engine, text

    name = PG_URL.rsplit("/", 1)[1]
    if name in ("test", "postgres"):
        raise SystemExit(f"BENCH_PG_URL must name a database of its own, not {name!r}.")
    admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_URL


def make_app(database_url: str) -> Any:
    """The real app, in this process, on ``database_url`` (schema by the migrations)."""
    import flask_migrate

    from app import create_app
    from config import DevelopmentConfig

    app = create_app(
        DevelopmentConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        SECRET_KEY=APP_ENV["SECRET_KEY"],
        ENCRYPTION_KEYS=APP_ENV["ENCRYPTION_KEYS"],
        BLIND_INDEX_KEY=APP_ENV["BLIND_INDEX_KEY"],
        RATELIMIT_ENABLED=False,
    )
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
    return app


def ensure_staff(app: Any) -> None:
    from app.auth import services

    with app.app_context():
        for email in (STAFF_EMAIL, SECOND_EMAIL):
            if services.find_staff(email) is None:
                services.create_staff(email, "coordinator", STAFF_PASSWORD)


# -- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]


def _wait_until_up(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited; see {OUT / (server.name + '.log')}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            connection.request("GET", "/favicon-none")
            connection.getresponse().read()
            connection.close()
            if len(server.worker_pids()) >= 1:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not start in {timeout} s")


@contextmanager
def gunicorn(
    name: str, app_spec: str, env: Mapping[str, str], workers: int = 2
) -> Iterator[Server]:
    """gunicorn with its defaults (sync workers, no access log), ``workers`` workers."""
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (OUT / f"{name}.log").open("wb")
    command = [str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--no-control-socket", app_spec]  # no shared control socket with other servers
    process = subprocess.Popen(
        command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT
    )
    server = Server(name, port, process)
    try:
        _wait_until_up(server)
        # Every worker has imported the app once the master reports them all.
        deadline = time.monotonic() + 30
        while len(server.worker_pids()) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


# -- a small HTTP client with cookies ---------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Client:
    """One browser: keeps cookies; a new connection per request, as gunicorn's sync workers do."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        form: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
        connection.close()
        return Response(response.status, dict(response.getheaders()), data)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, form: Mapping[str, str]) -> Response:
        """POST with the CSRF token read from the page first, as a browser would."""
        page = self.get(path)
        match = CSRF_RE.search(page.text)
        if match is None:
            raise RuntimeError(f"No CSRF token on {path} ({page.status})")
        return self.request("POST", path, {**form, "csrf_token": match.group(1)})


def staff_client(server: Server) -> Client:
    """A signed-in coordinator."""
    client = Client(server.port)
    response = client.post_form("/auth/login", {"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    if response.status != 302:
        raise RuntimeError(f"Sign-in failed ({response.status})")
    if client.get("/review/").status != 200:
        raise RuntimeError("The signed-in coordinator cannot open the queue")
    return client


def machine() -> str:
    """CPU model, cores and memory, for the results header."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    return f"{model}, {os.cpu_count()} cores, {memory} RAM, Linux {os.uname().release}"
