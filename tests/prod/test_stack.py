"""The production stack, through nginx over HTTPS (`make test-prod`; not in `make test`).

nginx terminating TLS → two gunicorn app servers → PostgreSQL and Redis, with the job worker,
all from the files in deploy/ (tests/prod/stack.py).
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from playwright.sync_api import sync_playwright
from sqlalchemy import create_engine, text

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.helpers import (
    PHONE,
    TIMEOUT_MS,
    answer_until,
    sign_in,
    start_questionnaire,
    totp_code,
)
from tests.load.server import Patient, token
from tests.prod.stack import HOST, STAFF_EMAIL, Stack

pytestmark = [pytest.mark.prod, pytest.mark.slow]
E1 = json.loads((Path(__file__).parents[1] / "screening" / "e1.json").read_text())
SUBMISSIONS = 200
# The patients' own addresses, 127.0.0.10 up: 4 submits each, under the limit of 20 a minute
# per client. Were the limit keyed on nginx's address, the 21st submit would get 429 and fail.
ADDRESSES = 50
NOBODY = "nobody@clinic.example"


def client(stack: Stack, address: str) -> requests.Session:
    return stack.session(address)


def rows(stack: Stack, query: str) -> list[Any]:
    engine = create_engine(stack.env["DATABASE_URL"])
    with engine.connect() as conn:
        found = list(conn.execute(text(query)).all())
    engine.dispose()
    return found


def test_a_browser_completes_the_questionnaire_and_staff_sign_in(stack: Stack) -> None:
    with sync_playwright() as playwright:
        executable = chromium_path()
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        ) if executable else playwright.chromium.launch(args=CHROMIUM_ARGS)  # fmt: skip
        context = browser.new_context(
            base_url=stack.url,
            viewport=PHONE,  # type: ignore[arg-type]
            locale="en-US",
            timezone_id="UTC",
            ignore_https_errors=True,  # the run's own certificate
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        start_questionnaire(page)
        answer_until(page, {**E1, "first_name": "Browserwalk"}, "review", quickly=True)
        with page.expect_navigation():
            page.get_by_role("button", name="Send my answers").click()
        reference = page.locator(".reference").inner_text().strip()
        cookies = {c["name"]: c for c in context.cookies()}
        context.close()

        staff = browser.new_context(base_url=stack.url, ignore_https_errors=True)
        staff.set_default_timeout(TIMEOUT_MS)
        staff_page = staff.new_page()
        sign_in(staff_page, STAFF_EMAIL)  # a coordinator: lands on the queue, or fails
        queue = staff_page.content()
        staff_cookies = {c["name"]: c for c in staff.cookies()}
        staff.close()

        admin = browser.new_context(base_url=stack.url, ignore_https_errors=True)
        admin.set_default_timeout(TIMEOUT_MS)
        admin_page = admin.new_page()
        admin_page.goto("/auth/login")
        admin_page.get_by_label("Email").fill(stack.admin.email)
        admin_page.get_by_label("Password").fill(stack.admin.password)
        with admin_page.expect_navigation():
            admin_page.get_by_role("button", name="Sign in").click()
        second_step = urlparse(admin_page.url).path
        admin_page.get_by_label("Code").fill(totp_code(stack.admin.totp_secret))
        with admin_page.expect_navigation():
            admin_page.get_by_role("button", name="Sign in").click()
        admin_landed = urlparse(admin_page.url).path
        admin.close()
        browser.close()

    assert reference.startswith("PS-")
    assert [r[0] for r in rows(stack, "SELECT reference FROM submission")] == [reference]
    patient_cookie = cookies["__Host-prescreen"]
    assert patient_cookie["secure"]
    assert patient_cookie["path"] == "/"
    assert staff_cookies["__Host-prescreen"]["secure"]
    assert "Browserwalk" in queue  # the coordinator sees the new submission
    assert (second_step, admin_landed) == ("/auth/two-factor", "/review/")  # admin: a TOTP code


def test_the_job_worker_runs_on_the_redis_queue(stack: Stack) -> None:
    from app.jobs import HEARTBEAT_KEY, make_huey

    queue = make_huey(stack.env["WORKER_QUEUE_URL"])
    deadline = time.monotonic() + 30
    while queue.get(HEARTBEAT_KEY, peek=True) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert stack.worker is not None
    assert stack.worker.alive(), stack.worker.output()[-2000:]
    assert queue.get(HEARTBEAT_KEY, peek=True) is not None, stack.worker.output()[-2000:]


def test_a_forged_host_is_refused(stack: Stack) -> None:
    http = client(stack, "127.0.0.1")
    assert http.get(stack.url + "/", timeout=10).status_code == 200
    assert (
        http.get(stack.url + "/", headers={"Host": "attacker.example"}, timeout=10).status_code
        == 400
    )
    # The app itself refuses it too, should a request reach it some other way.
    direct = requests.get(
        f"http://127.0.0.1:{stack.app_ports[0]}/",
        headers={"Host": HOST, "X-Forwarded-Host": "attacker.example"},
        timeout=10,
    )
    assert direct.status_code == 400
    assert "attacker.example" not in direct.text


def test_the_app_knows_the_request_came_over_https(stack: Stack) -> None:
    """Flask-WTF checks the Referer of HTTPS requests only: so it sees nginx's X-Forwarded-Proto."""
    http = client(stack, "127.0.0.4")
    page = http.get(stack.url + "/auth/login", timeout=10)
    form = {"csrf_token": token(page.text), "email": NOBODY, "password": "wrong guess"}
    with_referer = http.post(stack.url + "/auth/login", data=form, timeout=10)
    del http.headers["Referer"]
    without = http.post(stack.url + "/auth/login", data=form, timeout=10)
    assert (with_referer.status_code, without.status_code) == (200, 400)


def login_statuses(http: requests.Session, stack: Stack, times: int, **headers: str) -> list[int]:
    statuses = []
    for _ in range(times):
        page = http.get(stack.url + "/auth/login", timeout=10)
        sent = http.post(
            stack.url + "/auth/login",
            # No such account: failures for a real one would lock it (five in a row).
            data={"csrf_token": token(page.text), "email": NOBODY, "password": "wrong guess"},
            headers=headers,
            timeout=10,
        )
        statuses.append(sent.status_code)
    return statuses


def test_login_limits_apply_per_real_client(stack: Stack) -> None:
    first, second = client(stack, "127.0.0.2"), client(stack, "127.0.0.3")
    assert login_statuses(first, stack, 11) == [200] * 10 + [429]
    # A made-up X-Forwarded-For does not give the same client a new allowance...
    assert login_statuses(first, stack, 1, **{"X-Forwarded-For": "198.51.100.7"}) == [429]
    # ...while another address, through the same nginx, has its own.
    assert login_statuses(second, stack, 10) == [200] * 10
    entries = rows(
        stack, "SELECT DISTINCT ip_address FROM audit_event WHERE action = 'login_failure'"
    )
    addresses = {r[0] for r in entries}
    assert {"127.0.0.2", "127.0.0.3"} <= addresses  # the clients, as nginx saw them
    assert not addresses & {"127.0.0.1", "198.51.100.7"}  # not nginx's own, nor a made-up one


def patient(stack: Stack, n: int) -> Patient:
    person = Patient(
        stack.url,
        {**E1, "first_name": f"Prod{n}", "email": f"prod{n}@example.org"},
        retries=8,
        retry_statuses=(502, 503, 504),
    )
    person.http = client(stack, f"127.0.0.{10 + n % ADDRESSES}")
    return person


def test_an_app_server_killed_during_200_submissions_loses_and_doubles_none(stack: Stack) -> None:
    before = rows(stack, "SELECT count(*) FROM submission")[0][0]
    people = [patient(stack, n) for n in range(SUBMISSIONS)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        reviews = list(pool.map(lambda p: p.fill_in(), people))
    answered = threading.Semaphore(0)
    victim = stack.app[0]

    def killer() -> None:
        for _ in range(SUBMISSIONS // 5):  # a fifth answered: the rest are on their way
            answered.acquire()
        victim.kill()

    def send(pair: tuple[Patient, requests.Response]) -> str:
        reference = pair[0].submit(pair[1])
        answered.release()
        return reference

    thread = threading.Thread(target=killer)
    thread.start()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
        references = list(pool.map(send, zip(people, reviews, strict=True)))
    seconds = time.monotonic() - started
    thread.join(timeout=30)

    assert not victim.alive()
    assert stack.app[1].alive()
    stored = rows(stack, "SELECT reference, draft_id FROM submission")
    assert len(references) == len(set(references)) == SUBMISSIONS
    assert set(references) <= {r[0] for r in stored}  # every reference answered is stored
    assert len(stored) - before == SUBMISSIONS  # and nothing else
    drafts = [r[1] for r in stored]
    assert len(drafts) == len(set(drafts))  # no draft submitted twice
    statuses = sorted({status for p in people for status in p.statuses})
    assert [s for s in statuses if s >= 500 and s not in (502, 503, 504)] == [], stack.logs()
    print(f"\n{SUBMISSIONS} submits in {seconds:.1f} s; statuses seen: {statuses}")
