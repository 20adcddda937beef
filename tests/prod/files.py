"""What the production stack test reads from deploy/ and makes for a run: ports, the
certificate, nginx's main configuration, and the deploy files with only ports, paths and names
replaced (``template`` and ``exec_start`` fail when a replaced text is no longer there).
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
INSTALL_DIR = "/srv/prescreen"  # where the systemd units expect the code
HOST = "localhost"  # the certificate's name, and the one in TRUSTED_HOSTS


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Ports:
    """Ports from ``base`` up (for a shared machine's assigned range), else free ones."""

    def __init__(self, variable: str) -> None:
        base = os.environ.get(variable)
        self.next = int(base) if base else None

    def take(self) -> int:
        if self.next is None:
            return free_port()
        port, self.next = self.next, self.next + 1
        return port


def template(path: Path, replacements: Mapping[str, str]) -> str:
    """The file's text with each key replaced; every key must be in the file."""
    text = path.read_text()
    for old, new in replacements.items():
        if old not in text:
            raise AssertionError(f"{path.name} no longer contains {old!r}: update the test")
        text = text.replace(old, new)
    return text


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines, as systemd's EnvironmentFile reads them (no quoting used here)."""
    pairs = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def exec_start(unit: Path, **replacements: str) -> list[str]:
    """The unit's ExecStart as a command line, with the install directory made this checkout."""
    match = re.search(r"^ExecStart=(.+)$", unit.read_text(), re.MULTILINE)
    assert match, f"no ExecStart in {unit.name}"
    line = match.group(1).replace(f"{INSTALL_DIR}/.venv/bin/", f"{BIN}/")
    for old, new in replacements.items():
        assert old in line, f"{unit.name}'s ExecStart no longer contains {old!r}"
        line = line.replace(old, new)
    return shlex.split(line)


def make_certificate(directory: Path) -> Path:
    """A self-signed certificate for localhost and 127.0.0.1: the CA the clients trust."""
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    command = [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
        "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
        "-keyout", str(key), "-out", str(cert),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603
    return cert


def nginx_main_conf(directory: Path, site: Path) -> Path:
    """The few lines Debian's /etc/nginx/nginx.conf gives, in this run's directory."""
    user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = directory / "nginx.conf"
    conf.write_text(
        f"""daemon off;
{user}
worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    types {{ text/html html; text/css css; application/javascript js; }}
{temp}
    include {site};
}}
"""
    )
    return conf
