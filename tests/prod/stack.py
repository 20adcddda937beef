"""The production stack on this machine, from the files in deploy/, for tests and the benchmark.

nginx (Debian's package) with deploy/nginx/prescreen.conf terminates TLS with a certificate
made for the run; behind it, app servers started with the ExecStart of
deploy/systemd/prescreen-web@.service; the job worker with that of prescreen-worker.service;
settings from deploy/prescreen.env.example with fresh keys, a fresh PostgreSQL database and a
Redis database. Only ports, paths, the host name and the certificate differ from a real
server (tests/prod/files.py checks that every replaced text is in the file, so the files
cannot drift away from what is tested). ``Stack.stop`` ends every process and drops the database.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import redis
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy.engine import make_url

from tests.prod.files import (
    BIN,
    DEPLOY,
    HOST,
    ROOT,
    Ports,
    exec_start,
    make_certificate,
    nginx_main_conf,
    read_env_file,
    template,
)
from tests.staff_fixtures import STAFF_PASSWORD

__all__ = ["HOST", "STAFF_EMAIL", "STAFF_PASSWORD", "Stack", "production_stack", "wait_for"]

PG_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = os.environ.get("PROD_REDIS_URL", "redis://127.0.0.1:6379/14")
STAFF_EMAIL = "coordinator@clinic.example"


def production_settings(database_url: str, redis_url: str, base_url: str) -> dict[str, str]:
    """deploy/prescreen.env.example with fresh keys, this run's database, Redis and name."""
    settings = read_env_file(DEPLOY / "prescreen.env.example")
    fresh = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ENCRYPTION_KEYS": f"1:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}",
        "BLIND_INDEX_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "WORKER_QUEUE_URL": redis_url,
        "TRUSTED_HOSTS": HOST,
        "PUBLIC_URL": base_url,
    }
    missing = set(fresh) - set(settings)
    assert not missing, f"prescreen.env.example no longer sets {sorted(missing)}"
    assert settings["PRESCREEN_ENV"] == "production"
    assert settings["TRUSTED_PROXIES"] == "1"
    settings.update(fresh)
    return settings


@dataclass(frozen=True)
class Admin:
    email: str
    password: str
    totp_secret: str


class FromAddress(HTTPAdapter):
    """Connections from a chosen local address (another client, as nginx sees it), trusting
    the run's certificate (given as an SSL context: a CA file in ``Session.verify`` was not
    used by this version of requests once an adapter was mounted)."""

    def __init__(self, address: str, context: ssl.SSLContext) -> None:
        self.address = address
        self.context = context
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        kwargs["ssl_context"] = self.context
        super().init_poolmanager(*args, **kwargs)


class Process:
    """A server in its own process group (so a kill takes its workers too), logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log_path = logs / f"{name}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - commands from deploy/
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: the master and every worker, at once."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.alive():
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # any worker left behind

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_for(url: str, verify: str | bool, process: Process, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"{process.name} stopped:\n{process.output()[-3000:]}")
        with suppress(requests.RequestException):
            if requests.get(url, timeout=5, verify=verify).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{process.name} did not answer {url}:\n{process.output()[-3000:]}")


class Database:
    """A fresh PostgreSQL database on TEST_DATABASE_URL's server, dropped at the end."""

    def __init__(self, name: str) -> None:
        url = make_url(PG_URL)
        self.admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.name = name
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.url = url.set(database=name).render_as_string(hide_password=False)

    def drop(self) -> None:
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def flask(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(  # noqa: S603 - our own venv's flask
        [str(BIN / "flask"), "--app", "run", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Stack:
    """nginx → ``app_servers`` gunicorn servers → PostgreSQL and Redis, with the job worker.

    ``upstream`` replaces the app servers (the benchmark's bare Flask app behind the same nginx).
    """

    def __init__(
        self,
        *,
        app_servers: int = 2,
        worker: bool = True,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="prescreen-prod-"))
        self.processes: list[Process] = []
        self.app: list[Process] = []
        self.database: Database | None = None
        self.ports, self.proxy_ports = Ports("PROD_APP_PORTS"), Ports("PROD_PROXY_PORTS")
        self.app_ports = [self.ports.take() for _ in range(app_servers)]
        self.https_port = self.proxy_ports.take()
        self.url = f"https://{HOST}:{self.https_port}"
        try:
            self._start(worker, dict(extra_env or {}))
        except BaseException:
            self.stop()
            raise

    def _start(self, worker: bool, extra_env: dict[str, str]) -> None:
        self.ca = str(make_certificate(self.directory))
        self.database = Database(f"prescreen_prod_{os.getpid()}")
        redis.Redis.from_url(REDIS_URL).flushdb()
        self.env = {
            **os.environ,
            **production_settings(self.database.url, REDIS_URL, self.url),
            **extra_env,
        }
        flask(self.env, "db", "upgrade")
        # The first account: the demo admin, with a second factor (`flask users demo`).
        shown = flask(self.env, "users", "demo")
        account = re.search(r"email (\S+) password (\S+)", shown)
        secret = re.search(r"add the key (\S+) to", shown)
        if account is None or secret is None:
            raise RuntimeError(f"flask users demo did not show the account:\n{shown}")
        self.admin = Admin(account.group(1), account.group(2), secret.group(1))
        flask(
            self.env, "users", "create", STAFF_EMAIL, "--role", "coordinator",
            stdin=STAFF_PASSWORD + "\n",
        )  # fmt: skip
        self.app = self.app_servers(self.app_ports)
        if worker:
            command = exec_start(DEPLOY / "systemd" / "prescreen-worker.service")
            self.worker: Process | None = self.spawn("worker", command)
        else:
            self.worker = None
        self.nginx = self.start_nginx("nginx", self.app_ports, self.https_port)
        for server, port in zip(self.app, self.app_ports, strict=True):
            wait_for(f"http://127.0.0.1:{port}/", False, server)
        wait_for(self.url + "/", self.ca, self.nginx)

    def app_servers(self, ports: list[int], app: str = "run:app") -> list[Process]:
        """Servers as prescreen-web@PORT.service starts them (``app``: another WSGI app)."""
        unit = DEPLOY / "systemd" / "prescreen-web@.service"
        return [
            self.spawn(
                f"{app.split(':')[0]}-{port}", exec_start(unit, **{"%i": str(port), "run:app": app})
            )
            for port in ports
        ]

    def spawn(self, name: str, command: list[str]) -> Process:
        process = Process(name, command, self.env, self.directory)
        self.processes.append(process)
        return process

    def start_nginx(self, name: str, app_ports: list[int], https_port: int) -> Process:
        """nginx with deploy/nginx/prescreen.conf in front of ``app_ports``, on ``https_port``."""
        if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
            raise RuntimeError("nginx is not installed: apt-get install nginx-light")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        directory = self.directory / name
        directory.mkdir()
        for pem in ("fullchain.pem", "privkey.pem"):
            shutil.copy(self.directory / pem, directory / pem)
        http_port = self.proxy_ports.take()
        site = directory / "prescreen.conf"
        site.write_text(
            template(
                DEPLOY / "nginx" / "prescreen.conf",
                {
                    "server 127.0.0.1:8001": f"server 127.0.0.1:{app_ports[0]}",
                    "    server 127.0.0.1:8002 max_fails=1 fail_timeout=10s;\n": "".join(
                        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n"
                        for port in app_ports[1:]
                    ),
                    "listen 80;": f"listen 127.0.0.1:{http_port};",
                    "listen [::]:80;": f"listen [::1]:{http_port};",
                    "listen 443 ssl": f"listen 127.0.0.1:{https_port} ssl",
                    "listen [::]:443 ssl": f"listen [::1]:{https_port} ssl",
                    "server_name screening.clinic.example;": f"server_name {HOST};",
                    "/etc/ssl/prescreen/": f"{directory}/",
                },
            )
        )
        conf = nginx_main_conf(directory, site)
        checked = subprocess.run(  # noqa: S603
            [nginx, "-t", "-p", str(directory), "-c", str(conf)],
            capture_output=True,
            text=True,
            check=False,
        )
        if checked.returncode:
            raise RuntimeError("nginx -t: " + checked.stderr)
        return self.spawn(name, [nginx, "-p", str(directory), "-c", str(conf)])

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca)

    def session(self, address: str = "127.0.0.1") -> requests.Session:
        """An HTTP client of the site from ``address``, sending a same-site Referer (Flask-WTF
        checks that an HTTPS form was sent from a page of the same site)."""
        http = requests.Session()
        http.mount("https://", FromAddress(address, self.client_context()))
        http.headers["Referer"] = self.url + "/"
        return http

    def logs(self) -> str:
        parts = [f"--- {p.name}\n{p.output()[-2000:]}" for p in self.processes]
        for error_log in self.directory.glob("*/nginx-error.log"):
            parts.append(f"--- {error_log}\n" + error_log.read_text()[-2000:])
        return "\n".join(parts)

    def stop(self) -> None:
        """Every process ended (nginx first), the database dropped, the files removed."""
        for process in reversed(self.processes):
            process.stop(signal.SIGQUIT if process.name.startswith("nginx") else signal.SIGTERM)
        if self.database is not None:
            with suppress(psycopg.Error):
                self.database.drop()
        with suppress(redis.RedisError):
            redis.Redis.from_url(REDIS_URL).flushdb()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def production_stack(**options: object) -> Iterator[Stack]:
    stack = Stack(**options)  # type: ignore[arg-type]
    try:
        yield stack
    finally:
        stack.stop()
