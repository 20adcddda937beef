"""The SQL behind each staff page, and the plan the database makes of it.

Each page is requested once in this process (a signed-in coordinator, the app's own test
client); every statement it sends is captured at the driver and explained: ``EXPLAIN QUERY
PLAN`` on SQLite, ``EXPLAIN (ANALYZE, COSTS OFF)`` on PostgreSQL (with its real row counts and
times). Writes (the audit entry each view makes) are listed but not explained.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from bench.common import CSRF_RE, STAFF_EMAIL, STAFF_PASSWORD


@dataclass
class Statement:
    sql: str
    parameters: Any
    milliseconds: float = 0.0
    plan: list[str] = field(default_factory=list)


@dataclass
class PagePlans:
    key: str
    path: str
    statements: list[Statement]


def _signed_in_client(app: Any) -> Any:
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    match = CSRF_RE.search(page)
    if match is None:
        raise RuntimeError("No CSRF token on the login page")
    response = client.post(
        "/auth/login",
        data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": match.group(1)},
    )
    if response.status_code != 302:
        raise RuntimeError(f"Sign-in failed ({response.status_code})")
    return client


def _explain(connection: Any, dialect: str, statement: Statement) -> list[str]:
    cursor = connection.cursor()
    if dialect == "sqlite":
        cursor.execute("EXPLAIN QUERY PLAN " + statement.sql, statement.parameters)
        rows = cursor.fetchall()
        depth = {0: 0}
        lines = []
        for node, parent, _unused, detail in rows:
            depth[node] = depth.get(parent, 0) + 1
            lines.append("  " * (depth[node] - 1) + detail)
        return lines
    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement.sql, statement.parameters)
    return [row[0] for row in cursor.fetchall()]


def capture(app: Any, pages: dict[str, str]) -> list[PagePlans]:
    """The statements of each page (path by key) with their plans."""
    from sqlalchemy import event

    from app.extensions import db

    client = _signed_in_client(app)
    with app.app_context():
        engine = db.engine
    dialect = engine.dialect.name
    captured: list[Statement] = []
    started: list[float] = []

    def before(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        started.append(time.perf_counter())
        captured.append(Statement(sql, parameters))

    def after(*_: Any) -> None:
        captured[-1].milliseconds = (time.perf_counter() - started.pop()) * 1000

    results = []
    for key, path in pages.items():
        client.get(path)  # warm: the plans of a running server, not of a cold cache
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            response = client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        statements = [s for s in captured if s.sql.lstrip().upper().startswith("SELECT")]
        captured.clear()
        raw = engine.raw_connection()
        try:
            for statement in statements:
                statement.plan = _explain(raw.driver_connection, dialect, statement)
        finally:
            raw.rollback()
            raw.close()
        results.append(PagePlans(key, path, statements))
    return results


def _short(sql: str) -> str:
    """The statement on a few lines: long column lists cut down to their first names."""
    sql = re.sub(r"\s+", " ", sql).strip()
    return re.sub(
        r"SELECT (.{60}).*? FROM",
        lambda m: f"SELECT {m.group(1)}… FROM",
        sql,
        count=1,
    )


def markdown(backend: str, size: int, pages: list[PagePlans]) -> str:
    lines = [f"## {backend}, {size:,} submissions", ""]
    for page in pages:
        total = sum(s.milliseconds for s in page.statements)
        lines += [
            f"### `GET {page.path}` ({page.key}): {len(page.statements)} SELECTs, "
            f"{total:.1f} ms in the database",
            "",
        ]
        for number, statement in enumerate(page.statements, 1):
            lines += [
                f"{number}. `{_short(statement.sql)}` ({statement.milliseconds:.1f} ms)",
                "",
                "   ```",
                *(f"   {line}" for line in statement.plan),
                "   ```",
                "",
            ]
    return "\n".join(lines)
