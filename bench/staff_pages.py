"""The coordinator's pages a benchmark opens, and the bulk change, timed over HTTP.

Issue 17's queue: the default order and a status filter (as before), the waiting-time order,
the three saved views ("My open cases", "Urgent", "Waiting over N days", with the arguments the
queue page links to), and search as people type it: a last name, its first three letters, a
name typed without its accents, a phone number's last four digits, a reference in lower case
without "PS-"; then page 500 and a submission page. What is searched for is drawn, request by
request, from submissions read back through the app (their summary decrypted), so a search
finds what is there, common names as often as they occur.

The bulk change: the coordinator opens a queue view, ticks its 25 rows (their ``id:version``
values, as the page sends them) and applies one change; only that POST is timed. Two kinds:
a status move (in review → needs more information and back, from those two status views) and
an assignment (to one of two coordinators in turn, from the default view). Each POST is checked
afterwards: the page it redirects to must say that all 25 cases changed.
"""

from __future__ import annotations

import math
import random
import re
import statistics
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.common import CSRF_RE, STAFF_EMAIL, Client

SAMPLED = 200  # submissions read back for what the searches type
PAGE = 500
BULK_ROWS = 25
SELECTED_RE = re.compile(r'name="selected" value="(\d+:\d+)"')


@dataclass
class Samples:
    """What a coordinator types and clicks, read from the database being measured."""

    references: list[str] = field(default_factory=list)
    last_names: list[str] = field(default_factory=list)
    accented: list[str] = field(default_factory=list)
    last_four: list[str] = field(default_factory=list)
    saved_views: list[str] = field(default_factory=list)  # query strings: mine, urgent, waiting
    size: int = 0


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    path: Callable[[random.Random, Samples], str]


def _q(text: str) -> str:
    return "/review/?" + urllib.parse.urlencode({"q": text})


def _folded(name: str) -> str:
    from app.submissions import fold

    return fold(name)


PAGES = (
    Page("queue_default", "queue, default order", lambda rng, s: "/review/"),
    Page("queue_filter", "queue, status filter", lambda rng, s: "/review/?status=in_review"),
    Page("queue_waiting", "queue, sorted by waiting time", lambda rng, s: "/review/?sort=waiting"),
    Page("view_mine", "view “My open cases”", lambda rng, s: "/review/?" + s.saved_views[0]),
    Page("view_urgent", "view “Urgent”", lambda rng, s: "/review/?" + s.saved_views[1]),
    Page(
        "view_waiting",
        "view “Waiting over N days”",
        lambda rng, s: "/review/?" + s.saved_views[2],
    ),
    Page("search_name", "search, a last name", lambda rng, s: _q(rng.choice(s.last_names))),
    Page(
        "search_prefix",
        "search, a name's first 3 letters",
        lambda rng, s: _q(rng.choice(s.last_names)[:3].lower()),
    ),
    Page(
        "search_folded",
        "search, a name without its accents",
        lambda rng, s: _q(_folded(rng.choice(s.accented or s.last_names))),
    ),
    Page(
        "search_phone",
        "search, a phone's last 4 digits",
        lambda rng, s: _q(rng.choice(s.last_four)),
    ),
    Page(
        "search_reference",
        "search, a reference without PS- (lower case)",
        lambda rng, s: _q(rng.choice(s.references).removeprefix("PS-").lower()),
    ),
    Page("queue_page500", f"queue, page {PAGE}", lambda rng, s: f"/review/?page={PAGE}"),
    Page(
        "submission",
        "submission page",
        lambda rng, s: f"/review/submissions/{rng.randint(1, s.size)}",
    ),
)
TITLES = {page.key: page.title for page in PAGES}


@dataclass
class Latency:
    p50_ms: float
    p95_ms: float
    samples: int


def samples(app: Any, size: int) -> Samples:
    """References, names and phone digits of SAMPLED submissions at random ids (decrypted by
    the app), and the saved views' query strings as the queue page links them."""
    import unicodedata

    from sqlalchemy import select

    from app import clinic
    from app.extensions import db
    from app.models import Submission, utcnow
    from app.review import triage
    from app.submissions import normalise_phone

    rng = random.Random(size)
    ids = sorted({rng.randint(1, size) for _ in range(SAMPLED)})
    found = Samples(size=size)
    with app.app_context():
        rows = db.session.execute(
            select(Submission.reference, Submission.summary).where(Submission.id.in_(ids))
        ).all()
        views = triage.saved_views(utcnow().date(), clinic.current().waiting_days)
        db.session.rollback()
    for reference, summary in rows:
        found.references.append(reference)
        last = str(summary.get("last_name") or "").strip()
        if len(last) >= 3:
            found.last_names.append(last)
            if unicodedata.normalize("NFKD", last) != last:
                found.accented.append(last)
        digits = normalise_phone(summary.get("phone"))
        if len(digits) >= 4:
            found.last_four.append(digits[-4:])
    found.saved_views = [urllib.parse.urlencode(view.args) for view in views]
    if not (found.references and found.last_names and found.last_four):
        raise RuntimeError("The sampled submissions have no names or phone numbers")
    return found


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def latency(timings: list[float]) -> Latency:
    return Latency(statistics.median(timings), percentile(timings, 0.95), len(timings))


def time_pages(
    client: Client, found: Samples, count: int, pages: tuple[Page, ...] = PAGES
) -> dict[str, Latency]:
    """p50 and p95 of ``count`` sequential requests per page, after 5 of warm-up."""
    rng = random.Random(found.size)
    results: dict[str, Latency] = {}
    for page in pages:
        for _ in range(5):
            client.get(page.path(rng, found))
        timings: list[float] = []
        for _ in range(count):
            path = page.path(rng, found)
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
        results[page.key] = latency(timings)
    return results


# -- the bulk change -------------------------------------------------------------------------

BULK = {
    "bulk_status": "bulk status change, 25 rows (one POST)",
    "bulk_assign": "bulk assignment, 25 rows (one POST)",
}


def _coordinators(app: Any) -> list[str]:
    """The ids of two enabled coordinators (the benchmark's own first)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import StaffUser

    with app.app_context():
        rows = db.session.execute(
            select(StaffUser.id, StaffUser.email).where(
                StaffUser.is_enabled.is_(True), StaffUser.role == "coordinator"
            )
        ).all()
        db.session.rollback()
    ordered = sorted(rows, key=lambda row: (row.email != STAFF_EMAIL, row.id))
    if len(ordered) < 2:
        raise RuntimeError("The bulk assignment needs two coordinators")
    return [str(ordered[0].id), str(ordered[1].id)]


def _bulk_once(client: Client, view: str, change: dict[str, str], check: bool) -> float:
    page = client.get("/review/?" + view)
    selected = SELECTED_RE.findall(page.text)[:BULK_ROWS]
    token = CSRF_RE.search(page.text)
    if len(selected) < BULK_ROWS or token is None:
        raise RuntimeError(f"/review/?{view}: {len(selected)} rows to select")
    form = [("selected", value) for value in selected]
    form += [("csrf_token", token.group(1)), ("reason", ""), *change.items()]
    path = "/review/bulk?" + urllib.parse.urlencode({"view": view})
    started = time.perf_counter()
    response = client.request("POST", path, form)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 302:
        raise RuntimeError(f"bulk change: {response.status}")
    after = client.get(response.headers.get("Location", "/review/?" + view))
    if check and f"{BULK_ROWS} cases changed" not in after.text:
        raise RuntimeError(f"bulk change on {view}: not every case changed")
    return elapsed


def time_bulk(app: Any, client: Client, count: int) -> dict[str, Latency]:
    """``count`` bulk POSTs of each kind (after 2 of warm-up): p50 and p95."""
    moves = [
        ("status=in_review", {"status": "needs_more_info", "assignee": "keep"}),
        ("status=needs_more_info", {"status": "in_review", "assignee": "keep"}),
    ]
    first, second = _coordinators(app)
    assigns = [("", {"status": "", "assignee": first}), ("", {"status": "", "assignee": second})]
    results = {}
    for key, changes in (("bulk_status", moves), ("bulk_assign", assigns)):
        timings = []
        for number in range(count + 2):
            view, change = changes[number % 2]
            elapsed = _bulk_once(client, view, change, check=number >= 2)
            if number >= 2:
                timings.append(elapsed)
        results[key] = latency(timings)
    return results
