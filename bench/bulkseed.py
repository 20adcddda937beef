"""Seeding PostgreSQL with up to a million submissions in minutes, stored as the app stores them.

Honest where the queries look, cheap where they do not:

- **Decisions are the rules' own.** ``TEMPLATES`` answers documents are made by the demo
  generator (``app.review.demo_answers.make_answers``, every profile at its demo weight) and
  decided by ``app.submissions.submission_row`` (the rules, in force settings). Each row takes one
  template's outcome, priority, urgency, rule-set version, age and top reason, and its
  encrypted ``answers`` and ``decision`` documents (reused blobs: only the submission page
  reads them, one at a time).
- **Each row is its own person.** A first and a last name drawn from about 2,000 and 6,000
  invented ones with a long-tailed (Zipf) frequency, a few accented as Spanish names are (the
  demo names are among the most common, so "Rivera" and "Núñez" are searched for as before); a
  phone number (80%) with random last four digits, written as people write them; an email; a
  language (15% Spanish) and a preferred contact. Its ``summary`` (what the queue shows) is
  encrypted per row, and its blind indexes (email, phone, every name-word prefix and the
  phone's last four digits, ``app.submissions.search_columns``) are the app's, computed once
  per distinct word.
- **Time and work as in a clinic network's several years.** Submitted over ``YEARS`` years,
  growing (twice as many a day now as halfway), in the daytime; a case is open with a chance
  that falls with its age (about three weeks' backlog, and one case in 200 forgotten open for
  good), closed, declined or referred otherwise; worked cases are assigned to one of ``STAFF``
  staff (the benchmark's coordinator among them), with their first-action time, a timeline
  (assignment and status change) and, for one in ten, a note.

The rows go in with COPY in batches of ``BATCH``, triggers off (the queue and assignee counts
are then counted once, the search terms carry their status already) and the tables' indexes
and unique constraints dropped first and built again after (the primary key of
``submission``, which the foreign keys need, stays: ids arrive in order). Then VACUUM ANALYZE.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

GENERATOR = 1
"""The version of these rows: a kept database seeded by another version is seeded again."""
TEMPLATES = 2_000
BATCH = 50_000
YEARS = 5
STAFF = 12  # enabled staff accounts, the benchmark's two coordinators included
TABLES = ("submission", "submission_search_term", "timeline_event", "note")
OPEN_WEIGHTS = {"new": 30, "in_review": 30, "evaluation_scheduled": 25, "needs_more_info": 15}
DONE_WEIGHTS = {"closed": 70, "declined": 18, "referred_elsewhere": 12}
BACKLOG_DAYS = 21.0
FORGOTTEN = 0.005
SYLLABLES = (
    "ka", "lo", "ma", "ri", "sen", "ta", "vel", "do", "na", "bre", "mi", "so", "tor", "ga",
    "li", "ven", "ro", "da", "ne", "sa", "kel", "mon", "ti", "ar", "el", "is", "or", "us",
    "ba", "che", "fi", "gu", "ja", "pe", "qui", "zu", "wen", "yo", "ha", "cor",
)  # fmt: skip
ACCENTS = str.maketrans("aeiou", "áéíóú")


@dataclass(frozen=True)
class Template:
    answers: bytes
    decision: bytes
    ruleset_version: str
    outcome: str
    priority: int
    is_urgent: bool
    age_years: Any
    top_reason: Any
    phq9_total: Any
    adequate_failed_trials: Any
    rules: list[str]


def _vocabulary(rng: random.Random, known: tuple[str, ...], count: int) -> list[str]:
    """``known`` names first (the most common), then invented ones, one in twelve accented."""
    names = dict.fromkeys(known)
    while len(names) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if rng.random() < 1 / 12:
            position = rng.randrange(len(word))
            word = word[:position] + word[position:].translate(ACCENTS)[:1] + word[position + 1 :]
        names[word.capitalize()] = None
    return list(names)


def _zipf(count: int) -> list[float]:
    """Cumulative weights 1/rank^0.9: the most common name about 1-2% of people."""
    return list(itertools.accumulate(1 / (rank**0.9) for rank in range(1, count + 1)))


def make_templates(rng: random.Random, now: dt.datetime) -> list[Template]:
    from app import crypto
    from app.review import demo_answers
    from app.submissions import submission_row

    keyring = crypto.keyring()

    def sealed(value: Any) -> bytes:
        return keyring.encrypt(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))

    profiles = list(demo_answers.PROFILE_WEIGHTS)
    weights = list(demo_answers.PROFILE_WEIGHTS.values())
    templates = []
    for _ in range(TEMPLATES):
        as_of = (now - dt.timedelta(days=rng.uniform(0, 120))).date()
        answers = demo_answers.make_answers(rng, rng.choices(profiles, weights)[0], as_of)
        row = submission_row(answers, as_of=as_of)
        summary = row["summary"]
        templates.append(
            Template(
                answers=sealed(row["answers"]),
                decision=sealed(row["decision"]),
                ruleset_version=row["ruleset_version"],
                outcome=row["outcome"],
                priority=row["priority"],
                is_urgent=row["is_urgent"],
                age_years=summary.get("age_years"),
                top_reason=summary.get("top_reason"),
                phq9_total=summary.get("phq9_total"),
                adequate_failed_trials=summary.get("adequate_failed_trials"),
                rules=summary.get("rules") or [],
            )
        )
    return templates


def _reference(number: int) -> str:
    """A unique reference per id: a bijection of 40 bits (odd multiplier), in the app's
    alphabet and shape."""
    from app.submissions import REFERENCE_ALPHABET

    code = (number * 0x9E3779B97B + 0x5DEECE66D) % (1 << 40)
    chars = "".join(REFERENCE_ALPHABET[(code >> (5 * i)) & 31] for i in range(8))
    return f"PS-{chars[:4]}-{chars[4:]}"


class Terms:
    """The app's blind indexes, each distinct word's computed once."""

    def __init__(self) -> None:
        from app import crypto, submissions

        self.index = crypto.keyring().blind_index
        self.submissions = submissions
        self.words: dict[str, list[str]] = {}
        self.phones: dict[str, str] = {}
        self.names: dict[tuple[str, str], list[str]] = {}

    def name(self, first: str, last: str) -> list[str]:
        if (first, last) not in self.names:
            self.names[first, last] = self._name(first, last)
        return self.names[first, last]

    def _name(self, first: str, last: str) -> list[str]:
        terms: list[str] = []
        for token in self.submissions.name_tokens(f"{first} {last}")[:7]:
            if token not in self.words:
                self.words[token] = [
                    self.index(prefix) for prefix in self.submissions.word_prefixes(token)
                ]
            terms += self.words[token]
        return list(dict.fromkeys(terms))

    def phone(self, digits: str) -> str:
        last = digits[-4:]
        if last not in self.phones:
            self.phones[last] = self.submissions.phone_term(digits)
        return self.phones[last]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _status(rng: random.Random, age_days: float) -> str:
    if age_days < 2:
        return rng.choice(("new", "new", "in_review"))
    open_chance = max(FORGOTTEN, math.exp(-age_days / BACKLOG_DAYS))
    return _weighted(rng, OPEN_WEIGHTS if rng.random() < open_chance else DONE_WEIGHTS)


def rows(
    size: int, staff: list[int], now: dt.datetime, log: Callable[[str], None]
) -> Iterator[tuple[list[Any], ...]]:
    """Batches of (submission, search term, timeline event, note) rows for ids 1..size; the
    search terms as lines of COPY text, a submission's in one string."""
    from app import crypto
    from app.review import demo_answers
    from app.submissions import fold, normalise_phone, phone_key

    rng = random.Random(17)  # benchmark data, not security
    started = time.perf_counter()
    templates = make_templates(rng, now)
    log(f"  {TEMPLATES:,} decided templates in {time.perf_counter() - started:.1f} s")
    firsts = _vocabulary(rng, demo_answers.FIRST_NAMES, 2_000)
    lasts = _vocabulary(rng, (*demo_answers.LAST_NAMES, "Núñez", "García", "Peña"), 6_000)
    first_weights, last_weights = _zipf(len(firsts)), _zipf(len(lasts))
    keyring = crypto.keyring()
    index = keyring.blind_index
    terms = Terms()
    note_body = keyring.encrypt(b"Left a voicemail; will try again tomorrow.")
    span = YEARS * 365.25 * 86400
    batch: tuple[list[Any], ...] = ([], [], [], [])
    for number in range(1, size + 1):
        template = templates[rng.randrange(TEMPLATES)]
        first = firsts[bisect.bisect(first_weights, rng.random() * first_weights[-1])]
        last = lasts[bisect.bisect(last_weights, rng.random() * last_weights[-1])]
        age_seconds = span * (1 - math.sqrt(rng.random())) + rng.uniform(60, 3600)
        submitted = now - dt.timedelta(seconds=age_seconds)
        submitted = submitted.replace(hour=min(int(rng.triangular(6, 23, 13)), 23))
        submitted = min(submitted, now - dt.timedelta(minutes=1))
        status = _status(rng, (now - submitted).total_seconds() / 86400)
        phone = ""
        if rng.random() < 0.8:
            shape = rng.choice(("555-{}-{:04d}", "(555) {} {:04d}", "+1 555 {} {:04d}"))
            phone = shape.format(rng.randint(200, 999), rng.randrange(10_000))
        digits = normalise_phone(phone)
        handle = "".join(char for char in fold(f"{first}.{last}") if char.isascii())
        email = f"{handle}{rng.randint(1, 9999)}@example.org"
        language = "es" if rng.random() < 0.15 else "en"
        contact = rng.choice(("email", "phone", "either")) if rng.random() < 0.5 else None
        summary = {
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone or None,
            "preferred_language": language,
            "preferred_contact": contact,
            "phq9_total": template.phq9_total,
            "adequate_failed_trials": template.adequate_failed_trials,
            "rules": template.rules,
            "age_years": template.age_years,
            "top_reason": template.top_reason,
        }
        assignee = None
        first_action = None
        evaluation = None
        version = 1
        if status != "new":
            assignee = rng.choice(staff)
            first_action = min(submitted + dt.timedelta(minutes=rng.randint(5, 60 * 72)), now)
            events = batch[2]
            events.append((number, assignee, "assigned", f'{{"old": null, "new": {assignee}}}',
                           first_action))  # fmt: skip
            events.append((number, assignee, "status_changed",
                           f'{{"old": "new", "new": "{status}"}}', first_action))  # fmt: skip
            version = 3
            if status in ("evaluation_scheduled", "closed") and rng.random() < 0.5:
                evaluation = "proceed_to_evaluation"
            if rng.random() < 0.1:
                batch[3].append((number, assignee, note_body, first_action))
                version = 4
        name_terms = terms.name(first, last)
        if len(digits) >= 4:
            name_terms = [*name_terms, terms.phone(digits)]
        line = f"\t{number}\t{status}\n"  # COPY's text format: hex terms need no escaping
        batch[1].append("".join(term + line for term in dict.fromkeys(name_terms)))
        batch[0].append(
            (
                number, _reference(number), template.answers, template.decision,
                keyring.encrypt(orjson.dumps(summary)), template.ruleset_version,
                submitted.date(), template.outcome, template.priority, template.is_urgent,
                status, assignee, language, index(email.lower()), index(phone_key(digits)),
                submitted, first_action, evaluation, version,
            )
        )  # fmt: skip
        if len(batch[0]) >= BATCH:
            yield batch
            batch = ([], [], [], [])
    if batch[0]:
        yield batch


SUBMISSION_COLUMNS = (
    "id, reference, answers, decision, summary, ruleset_version, as_of, outcome, priority, "
    "is_urgent, status, assigned_to_id, language, search_email, search_phone, submitted_at, "
    "first_action_at, evaluation_decision, version"
)
TERMS_COPY = "COPY submission_search_term (term, submission_id, status) FROM STDIN"
COPIES = (
    f"COPY submission ({SUBMISSION_COLUMNS}) FROM STDIN",
    TERMS_COPY,
    "COPY timeline_event (submission_id, actor_id, kind, detail, created_at) FROM STDIN",
    "COPY note (submission_id, author_id, body, created_at) FROM STDIN",
)


def _drop_indexes(cursor: Any) -> list[str]:
    """Drop the tables' indexes and the unique constraints no foreign key needs; returns the
    statements that build them again."""
    again = []
    for table in TABLES:
        constraints = cursor.execute(
            "SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)",
            (table,),
        ).fetchall()
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            again.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        indexes = cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            (table,),
        ).fetchall()
        for name, definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
            again.append(definition)
    return again


def load(
    database_url: str, app: Any, size: int, staff: list[int], log: Callable[[str], None]
) -> None:
    """COPY ``size`` generated submissions into an empty, migrated database."""
    import psycopg

    from app.models import utcnow

    now = utcnow()
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no triggers while loading
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
        again = _drop_indexes(cursor)
        written = 0
        started = time.perf_counter()
        with app.app_context():
            for batch in rows(size, staff, now, log):
                for statement, values in zip(COPIES, batch, strict=True):
                    with cursor.copy(statement) as copy:
                        if statement == TERMS_COPY:  # already lines of text: 10 a submission
                            copy.write("".join(values))
                            continue
                        for row in values:
                            copy.write_row(row)
                written += len(batch[0])
                if written % (BATCH * 4) == 0 or written == size:
                    log(f"  {written:,} rows in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        for statement in again:
            cursor.execute(statement)
        log(f"  {len(again)} indexes built in {time.perf_counter() - started:.0f} s")
        cursor.execute("DELETE FROM queue_count")
        cursor.execute(
            "INSERT INTO queue_count (status, outcome, submissions) "
            "SELECT status, outcome, count(*) FROM submission GROUP BY status, outcome"
        )
        cursor.execute("DELETE FROM assignee_count")
        cursor.execute(
            "INSERT INTO assignee_count (assigned_to_id, status, submissions) "
            "SELECT assigned_to_id, status, count(*) FROM submission "
            "WHERE assigned_to_id IS NOT NULL GROUP BY assigned_to_id, status"
        )
        for table in ("submission", "timeline_event", "note"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        connection.commit()
