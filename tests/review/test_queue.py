"""The queue: priority order, filters, search, counts, pagination and urgent drafts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy

from app.models import StaffUser, Submission, utcnow
from tests.factories import URGENT_DRAFT
from tests.rules.builders import baseline, phq9_total
from tests.rules.examples import AS_OF, EXAMPLES, QUEUE_ORDER

REFERENCE_RE = re.compile(r'class="reference" href="/review/submissions/(\d+)[?"]')

URGENT = {**phq9_total(17, item9=1), "asq_thoughts_now": "no"}
PREGNANT = {"pregnancy_applicable": "yes", "pregnant_now": "yes", "breastfeeding": "no"}
NO_RIDE = {"transport_home": "no"}
ACUTE = {**phq9_total(12, item9=0), "asq_wish_dead": "yes", "asq_thoughts_now": "yes"}


def listed(html: str) -> list[int]:
    """Submission ids in the order the queue lists them."""
    return [int(i) for i in REFERENCE_RE.findall(html)]


def row_of(html: str, text: str) -> str:
    """The table row that holds ``text``."""
    at = html.index(text)
    return html[html.rfind("<tr", 0, at) : html.index("</tr>", at)]


def queue(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/review/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def mixed(make_submission: Callable[..., Submission]) -> dict[str, Submission]:
    """One submission per outcome, submitted at different times."""
    now = utcnow()
    return {
        "likely_old": make_submission(baseline(), submitted_at=now - dt.timedelta(days=3)),
        "likely_new": make_submission(baseline(), submitted_at=now - dt.timedelta(hours=2)),
        "urgent": make_submission(baseline(**URGENT), submitted_at=now - dt.timedelta(hours=1)),
        "not_now": make_submission(baseline(**PREGNANT), submitted_at=now - dt.timedelta(days=5)),
        "review": make_submission(
            baseline(**NO_RIDE, first_name="Sam", last_name="Rivera", email="sam@example.com"),
            submitted_at=now - dt.timedelta(days=1),
            status="in_review",
        ),
    }


def test_the_queue_lists_urgent_first_then_priority_then_oldest(
    client: FlaskClient, login: Callable[..., Any], mixed: dict[str, Submission]
) -> None:
    login(client)
    order = listed(queue(client))
    expected = sorted(mixed.values(), key=lambda s: (-s.priority, s.submitted_at, s.id))
    assert order == [s.id for s in expected]
    assert order[0] == mixed["urgent"].id
    # Same outcome and priority: the older one first.
    assert order.index(mixed["likely_old"].id) < order.index(mixed["likely_new"].id)
    assert order[-1] == mixed["not_now"].id


def test_urgent_rows_say_so_in_words(
    client: FlaskClient, login: Callable[..., Any], mixed: dict[str, Submission]
) -> None:
    login(client)
    html = queue(client)
    urgent_row = row_of(html, mixed["urgent"].reference)
    assert 'class="is-urgent"' in urgent_row
    assert ">Urgent<" in urgent_row
    assert "Urgent safety review" in urgent_row
    likely_row = row_of(html, mixed["likely_old"].reference)
    assert 'class="is-urgent"' not in likely_row
    assert ">Urgent<" not in likely_row


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("?outcome=likely_candidate", {"likely_old", "likely_new"}),
        ("?outcome=not_a_candidate_now", {"not_now"}),
        ("?status=in_review", {"review"}),
        ("?status=new&outcome=urgent_safety_review", {"urgent"}),
        ("?urgent=y", {"urgent"}),
    ],
)
def test_filters(
    client: FlaskClient,
    login: Callable[..., Any],
    mixed: dict[str, Submission],
    query: str,
    keys: set[str],
) -> None:
    login(client)
    assert set(listed(queue(client, query))) == {mixed[k].id for k in keys}


def test_date_range_filter_is_inclusive(
    client: FlaskClient, login: Callable[..., Any], mixed: dict[str, Submission]
) -> None:
    login(client)
    day = mixed["not_now"].submitted_at.date().isoformat()
    assert listed(queue(client, f"?submitted_from={day}&submitted_to={day}")) == [
        mixed["not_now"].id
    ]
    later = (mixed["not_now"].submitted_at.date() + dt.timedelta(days=1)).isoformat()
    assert mixed["not_now"].id not in listed(queue(client, f"?submitted_from={later}"))


def test_a_malformed_date_is_reported_and_ignored(
    client: FlaskClient, login: Callable[..., Any], mixed: dict[str, Submission]
) -> None:
    login(client)
    html = queue(client, "?submitted_from=yesterday&outcome=likely_candidate")
    assert "Not a valid date value" in html
    assert set(listed(html)) == {mixed["likely_old"].id, mixed["likely_new"].id}


def test_assigned_to_me(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    make_staff: Callable[..., StaffUser],
) -> None:
    me = login(client)
    other = make_staff("coordinator")
    mine = make_submission(assigned_to_id=me.id)
    make_submission(assigned_to_id=other.id)
    make_submission()
    assert listed(queue(client, "?mine=y")) == [mine.id]


@pytest.mark.parametrize(
    ("search", "key"),
    [
        ("{reference}", "review"),
        ("{reference_lower}", "review"),
        ("{reference_compact}", "review"),
        ("Rivera", "review"),
        ("rivera SAM", "review"),
        ("SAM@EXAMPLE.COM", "review"),
    ],
)
def test_search(
    client: FlaskClient,
    login: Callable[..., Any],
    mixed: dict[str, Submission],
    search: str,
    key: str,
) -> None:
    login(client)
    reference = mixed[key].reference
    q = search.format(
        reference=reference,
        reference_lower=reference.lower(),
        reference_compact=reference.replace("-", "").lower(),
    )
    assert listed(queue(client, "?" + _query(q=q))) == [mixed[key].id]


def test_search_by_phone_digits(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    login(client)
    wanted = make_submission(baseline(phone="(555) 555-0142"))
    make_submission(baseline(phone="555-0199"))
    assert listed(queue(client, "?" + _query(q="555 555 0142"))) == [wanted.id]
    assert listed(queue(client, "?" + _query(q="5555550142"))) == [wanted.id]
    assert listed(queue(client, "?" + _query(q="555-0199"))) != [wanted.id]


def test_search_treats_wildcards_as_text(
    client: FlaskClient, login: Callable[..., Any], mixed: dict[str, Submission]
) -> None:
    login(client)
    assert listed(queue(client, "?" + _query(q="%"))) == []
    assert listed(queue(client, "?" + _query(q="_"))) == []


def test_counts_per_status_follow_the_other_filters(
    client: FlaskClient, login: Callable[..., Any], mixed: dict[str, Submission]
) -> None:
    login(client)
    html = queue(client)
    assert "All: 5<" in html
    assert "New: 4<" in html
    assert "In review: 1<" in html
    assert "Closed: 0<" in html
    likely = queue(client, "?outcome=likely_candidate&status=in_review")
    assert "All: 2<" in likely
    assert "New: 2<" in likely
    assert "In review: 0<" in likely


def test_pagination(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 2)
    now = utcnow()
    made = [make_submission(submitted_at=now - dt.timedelta(hours=h)) for h in range(5, 0, -1)]
    login(client)
    first = queue(client)
    assert listed(first) == [made[0].id, made[1].id]
    assert "Page 1 of 3" in first
    assert 'href="/review/?page=2"' in first
    assert listed(queue(client, "?page=2")) == [made[2].id, made[3].id]
    last = queue(client, "?page=3")
    assert listed(last) == [made[4].id]
    assert "Showing 5–5 of 5" in last
    assert listed(queue(client, "?page=99")) == [made[4].id]  # past the end: the last page
    filtered = queue(client, "?outcome=likely_candidate")
    assert "page=2&amp;outcome=likely_candidate" in filtered


def test_every_page_of_the_open_queue_merges_the_open_statuses_in_queue_order(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The default view reads each open status's range of the index up to the page's end and
    merges them: the pages are still the open cases in priority order, then oldest first."""
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 2)
    now = utcnow()
    statuses = ("new", "closed", "in_review", "declined", "needs_more_info", "evaluation_scheduled")
    answers = (baseline(), baseline(**PREGNANT), baseline(**NO_RIDE), baseline(**URGENT))
    made = [
        make_submission(
            answers[n % len(answers)],
            status=statuses[n % len(statuses)],
            submitted_at=now - dt.timedelta(hours=n),
        )
        for n in range(14)
    ]
    open_cases = [s for s in made if s.status not in ("closed", "declined")]
    in_order = sorted(open_cases, key=lambda s: (-s.priority, s.submitted_at, s.id))
    acute = make_submission(baseline(**ACUTE), status="in_review", submitted_at=now)
    expected = [acute.id] + [s.id for s in in_order]  # an acute signal first, then the rest
    login(client)
    pages = [listed(queue(client, f"?page={n}")) for n in range(1, 6)]
    assert [i for page in pages for i in page] == expected
    assert len(expected) == 10
    assert len({s.status for s in open_cases}) == 4


def test_an_empty_queue_says_so(client: FlaskClient, login: Callable[..., Any]) -> None:
    login(client)
    assert "No submissions match these filters." in queue(client)


def test_urgent_drafts_stand_out_above_the_queue(
    client: FlaskClient, login: Callable[..., Any], make_draft: Callable[..., int]
) -> None:
    make_draft()
    make_draft(
        {**URGENT_DRAFT, "first_name": "Expired"}, expires_at=utcnow() - dt.timedelta(days=1)
    )
    make_draft({**URGENT_DRAFT, "first_name": "Submitted"}, submitted_at=utcnow())
    make_draft({**URGENT_DRAFT, "first_name": "Calm", "phq9_9": 0})
    login(client)
    html = queue(client)
    assert "Urgent unfinished questionnaires" in html
    panel = html[html.index("Urgent unfinished questionnaires") : html.index('role="search"')]
    assert "SAFE-SI-ITEM9" in panel
    assert "Robin" in panel
    assert "robin@example.org" in panel
    assert "How you have been feeling" in panel
    for hidden in ("Expired", "Submitted", "Calm"):
        assert hidden not in panel


def test_no_draft_panel_without_urgent_drafts(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client)
    assert "Urgent unfinished questionnaires" not in queue(client)


def _query(**params: str) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def test_the_worked_examples_come_in_the_documented_queue_order(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    """clinical-rules.md §7: E3, E2, E1, E7 = E8 (older first), E9, E10, E5, E4, E6."""
    ids = {}
    # Stored newest-first by name, with E7 older than its equal-priority neighbour E8.
    for minute, name in enumerate(["E8", *sorted(set(EXAMPLES) - {"E8"}, reverse=True)]):
        if name == "E7":
            minute = -1
        answers, outcome, priority, _ = EXAMPLES[name]
        made = make_submission(
            answers,
            submitted_at=dt.datetime.combine(AS_OF, dt.time(9)) + dt.timedelta(minutes=minute),
        )
        assert (made.outcome, made.priority) == (outcome, priority)
        ids[made.id] = name
    login(client)
    assert [ids[i] for i in listed(queue(client))] == QUEUE_ORDER


def test_filter_fields_show_the_chosen_values_in_the_chosen_language(
    client: FlaskClient, login: Callable[..., Any], mixed: dict[str, Submission]
) -> None:
    """The filters' markup is cached per language and values: each request still gets its own."""
    login(client)
    selected = re.compile(r'<option selected value="([a-z_]*)"|<option value="([a-z_]*)" selected')

    def chosen(html: str) -> list[str]:
        filters = html[html.index('role="search"') :]
        filters = filters[: filters.index("</form>")]
        return sorted(a or b for a, b in selected.findall(filters))

    # Selects: outcome, treatment (issue 21), status, order.
    assert chosen(queue(client, "?status=in_review")) == ["", "", "", "in_review"]
    assert chosen(queue(client)) == ["", "", "", ""]
    assert chosen(queue(client, "?status=in_review&outcome=urgent_safety_review")) == [
        "",
        "",
        "in_review",
        "urgent_safety_review",
    ]
    mine = re.compile(r'<input[^>]*name="mine"[^>]*>')
    assert "checked" in mine.findall(queue(client, "?mine=y"))[0]
    assert "checked" not in mine.findall(queue(client))[0]
    assert "Any status" in queue(client)
    english = queue(client, "?status=new")
    assert "Cualquier estado" not in english
    with client.session_transaction() as session:
        session["lang"] = "es"
    spanish = queue(client, "?status=new")
    assert "Cualquier estado" in spanish
    assert "Any status" not in spanish
    assert chosen(spanish) == ["", "", "", "new"]
