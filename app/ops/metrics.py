"""Prometheus metrics at ``/metrics`` (prometheus_client), for the allowed addresses only.

Per process: request latency and counts. Read from the database at each scrape: submissions by
status and the safety alerts (through ``register_alert_counts``). Under gunicorn, set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory writable by the workers, the same for all
of them: every worker then writes its figures there and a scrape adds them up (prometheus_client's
multiprocess mode). Without it each scrape sees one worker's figures.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from flask import Flask, abort, current_app, g, request
from flask.typing import ResponseReturnValue
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from app.extensions import db
from app.ops import bp
from app.startup import allowed_networks

REQUEST_LATENCY = Histogram(
    "prescreen_request_duration_seconds",
    "Time to answer a request, by method and route (endpoint).",
    ["method", "endpoint"],
)
REQUESTS = Counter(
    "prescreen_requests",
    "Requests answered, by method, route (endpoint) and status code.",
    ["method", "endpoint", "status"],
)
SUBMISSIONS = "prescreen_submissions"
ALERTS_PENDING = "prescreen_safety_alerts_pending"
ALERTS_FAILED = "prescreen_safety_alerts_failed"

# Set by the safety alerts feature: a function (called in an app context at each scrape)
# returning {"pending": n, "failed": m}. Until then the two alert metrics have no sample.
_alert_counts: Callable[[], Mapping[str, int]] | None = None


def register_alert_counts(counts: Callable[[], Mapping[str, int]]) -> None:
    """Feed ``prescreen_safety_alerts_pending`` / ``_failed`` from ``counts()``."""
    global _alert_counts
    _alert_counts = counts


class DatabaseCollector(Collector):
    """Figures read from the database when Prometheus scrapes (the same from every worker)."""

    def collect(self) -> Iterator[Metric]:
        from app.models import QueueCount

        submissions = GaugeMetricFamily(
            SUBMISSIONS, "Submissions stored, by review status.", labels=["status"]
        )
        rows = db.session.execute(
            select(QueueCount.status, func.sum(QueueCount.submissions)).group_by(QueueCount.status)
        )
        for status, count in rows:
            submissions.add_metric([status], int(count or 0))
        yield submissions
        pending = GaugeMetricFamily(ALERTS_PENDING, "Safety alerts waiting to be sent.")
        failed = GaugeMetricFamily(ALERTS_FAILED, "Safety alerts whose sending failed.")
        if _alert_counts is not None:
            counts = _alert_counts()
            pending.add_metric([], counts.get("pending", 0))
            failed.add_metric([], counts.get("failed", 0))
        yield pending
        yield failed


# The methods a label may name; any other (clients choose it) counts as "other", so a client
# cannot make new series at will. The routes are the app's endpoints (or "none" for a 404).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The labelled children already made, by (method, endpoint, status): ``labels()`` takes a lock
# and builds a key on every call, about a third of what measuring a request cost.
_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is None:
        return response
    method = request.method if request.method in METHODS else "other"
    endpoint = request.url_rule.endpoint if request.url_rule else "none"
    key = (method, endpoint, response.status_code)
    children = _children.get(key)
    if children is None:
        children = _children[key] = (
            REQUEST_LATENCY.labels(method, endpoint),
            REQUESTS.labels(method, endpoint, str(response.status_code)),
        )
    latency, count = children
    latency.observe(time.perf_counter() - started)
    count.inc()
    return response


def _allowed(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = allowed_networks(str(current_app.config["METRICS_ALLOWED_IPS"]))
    return any(ip in network for network in networks)


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    """The metrics, for ``METRICS_ALLOWED_IPS`` only; 404 for everyone else."""
    if not _allowed(request.remote_addr):
        abort(404)
    directory = current_app.config.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry, path=directory)
    else:
        process_registry = REGISTRY
    database_registry = CollectorRegistry()
    database_registry.register(DatabaseCollector())
    body = generate_latest(process_registry) + generate_latest(database_registry)
    return body, 200, {"Content-Type": CONTENT_TYPE_LATEST}


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe)
