"""Each request has an id: on every JSON log line written for it and in ``X-Request-ID``."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient

from app import logging_setup


def test_each_response_carries_a_new_request_id(client: FlaskClient) -> None:
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_sane_incoming_id_is_kept(client: FlaskClient) -> None:
    response = client.get("/", headers={"X-Request-ID": "nginx-4f3a.9b:01"})
    assert response.headers["X-Request-ID"] == "nginx-4f3a.9b:01"


@pytest.mark.parametrize(
    "incoming", ["", "x" * 65, "has space", "tab\there", "<script>", "a;b", "é"]
)
def test_an_odd_incoming_id_is_replaced(client: FlaskClient, incoming: str) -> None:
    response = client.get("/", headers={"X-Request-ID": incoming})
    sent_back = response.headers["X-Request-ID"]
    assert sent_back != incoming
    assert len(sent_back) == 32
    assert sent_back.isalnum()


def test_error_pages_carry_it_too(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"X-Request-ID": "abc123"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "abc123"


def test_every_json_log_line_of_a_request_has_its_id(
    make_app: Callable[..., Flask], capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)  # the production log handler

    def noisy() -> str:
        current_app.logger.info("first line")
        current_app.logger.warning("second line")
        raise RuntimeError("and a fault")

    app.add_url_rule("/noisy", view_func=noisy)
    response = app.test_client().get("/noisy", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-42"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    messages = {line["message"]: line for line in lines}
    assert {"first line", "second line", "unhandled error"} <= set(messages)
    assert all(line["request_id"] == "req-42" for line in messages.values())
    with app.app_context():  # outside a request: no id, and no error
        app.logger.info("from a command")
    outside = json.loads(capsys.readouterr().err.splitlines()[-1])
    assert "request_id" not in outside


def test_a_forked_worker_makes_ids_of_its_own() -> None:
    """gunicorn forks its workers from one process: their ids must still differ."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: send one id and leave at once
        os.write(write, logging_setup.new_request_id().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child_id = os.read(read, 64).decode()
    os.close(read)
    os.close(write)
    parent_id = logging_setup.new_request_id()
    assert len(child_id) == len(parent_id) == 32
    assert child_id[:16] != parent_id[:16]
