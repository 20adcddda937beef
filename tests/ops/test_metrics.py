"""/metrics: Prometheus text for the allowed addresses only; 404 for everyone else."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from app.models import Submission
from app.ops import metrics
from tests.load.server import BIN, ROOT


def families(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    return {
        family.name: [(sample.labels, sample.value) for sample in family.samples]
        for family in text_string_to_metric_families(text)
    }


def scrape(client: FlaskClient, address: str = "127.0.0.1") -> tuple[int, str]:
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
    return response.status_code, response.get_data(as_text=True)


def test_metrics_count_requests_submissions_and_alerts(
    client: FlaskClient, make_submission: Callable[..., Submission]
) -> None:
    make_submission()
    make_submission()
    make_submission(status="closed")
    for _ in range(3):
        assert client.get("/privacy").status_code == 200
    status, text = scrape(client)
    assert status == 200
    found = families(text)
    submissions = {labels["status"]: value for labels, value in found["prescreen_submissions"]}
    assert submissions == {"new": 2, "closed": 1}
    latency = found["prescreen_request_duration_seconds"]
    privacy_count = [
        value
        for labels, value in latency
        if labels.get("endpoint") == "public.privacy" and labels.get("method") == "GET"
    ]
    assert privacy_count
    assert max(privacy_count) >= 3
    requests = {(item["endpoint"], item["status"]): n for item, n in found["prescreen_requests"]}
    assert requests[("public.privacy", "200")] >= 3
    # The alert deliveries (app/alerts): none yet.
    assert found["prescreen_safety_alerts_pending"] == [({}, 0.0)]
    assert found["prescreen_safety_alerts_failed"] == [({}, 0.0)]


def test_the_alert_counts_come_from_the_registered_function(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics, "_alert_counts", None)
    metrics.register_alert_counts(lambda: {"pending": 4, "failed": 1})
    found = families(scrape(client)[1])
    assert found["prescreen_safety_alerts_pending"] == [({}, 4.0)]
    assert found["prescreen_safety_alerts_failed"] == [({}, 1.0)]


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.9", "2001:db8::1"])
def test_other_addresses_get_a_404(client: FlaskClient, address: str) -> None:
    status, text = scrape(client, address)
    assert status == 404
    assert "prescreen_" not in text


def test_the_allowed_addresses_are_a_setting(make_app: Callable[..., Flask]) -> None:
    client = make_app(METRICS_ALLOWED_IPS="10.0.0.0/8, 2001:db8::/32").test_client()
    assert scrape(client, "10.1.2.3")[0] == 200
    assert scrape(client, "2001:db8::1")[0] == 200
    assert scrape(client, "127.0.0.1")[0] == 404
    assert scrape(client, "11.0.0.1")[0] == 404


SCRIPT = """
import sys
from app import create_app
from config import TestingConfig
app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=sys.argv[1])
client = app.test_client()
for _ in range(int(sys.argv[2])):
    client.get("/healthz")
if sys.argv[3] == "scrape":
    print(client.get("/metrics").get_data(as_text=True))
"""


@pytest.mark.slow
def test_several_processes_add_up_in_multiprocess_mode(tmp_path: Path, app: Flask) -> None:
    """Like gunicorn workers: each process writes its figures; a scrape in any sees the sum."""
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "PRESCREEN_ENV": "testing"}
    database = app.config["SQLALCHEMY_DATABASE_URI"]

    def run(count: int, action: str) -> str:
        return subprocess.run(  # noqa: S603 - our own venv's python
            [str(BIN / "python"), "-c", SCRIPT, database, str(count), action],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    run(5, "none")
    run(2, "none")
    text = run(1, "scrape")
    found = families(text)
    health = {
        labels["status"]: value
        for labels, value in found["prescreen_requests"]
        if labels["endpoint"] == "ops.healthz"
    }
    assert health == {"200": 8.0}


def test_clients_cannot_make_new_series_with_odd_methods(client: FlaskClient) -> None:
    for method in ("BREW", "XYZZY"):
        client.open("/privacy", method=method)
    found = families(scrape(client)[1])
    methods = {labels["method"] for labels, _ in found["prescreen_requests"]}
    assert "other" in methods
    assert not {"BREW", "XYZZY"} & methods
