"""queue counts kept by triggers; name search terms in their own table

Revision ID: 3c9e0a4d2b71
Revises: 7b31f891f600
Create Date: 2026-11-29 14:00:00

- ``queue_count`` holds the number of submissions per status and outcome. Triggers on
  ``submission`` keep it, so every insert, update and delete counts, from any code or SQL.
- ``submission_search_term`` holds each name word's blind index, one row each, so a name
  search is an index lookup instead of a LIKE over every row's ``search_name``, which goes.
  Triggers copy the submission's status onto its terms, so a search counts per status from
  the terms' index alone.
"""
import sqlalchemy as sa
from alembic import op

revision = '3c9e0a4d2b71'
down_revision = '7b31f891f600'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER queue_count_insert AFTER INSERT ON submission BEGIN
        INSERT OR IGNORE INTO queue_count (status, outcome, submissions)
            VALUES (NEW.status, NEW.outcome, 0);
        UPDATE queue_count SET submissions = submissions + 1
            WHERE status = NEW.status AND outcome = NEW.outcome;
    END
    """,
    """
    CREATE TRIGGER queue_count_update AFTER UPDATE OF status, outcome ON submission
    WHEN OLD.status IS NOT NEW.status OR OLD.outcome IS NOT NEW.outcome BEGIN
        UPDATE queue_count SET submissions = submissions - 1
            WHERE status = OLD.status AND outcome = OLD.outcome;
        INSERT OR IGNORE INTO queue_count (status, outcome, submissions)
            VALUES (NEW.status, NEW.outcome, 0);
        UPDATE queue_count SET submissions = submissions + 1
            WHERE status = NEW.status AND outcome = NEW.outcome;
    END
    """,
    """
    CREATE TRIGGER queue_count_delete AFTER DELETE ON submission BEGIN
        UPDATE queue_count SET submissions = submissions - 1
            WHERE status = OLD.status AND outcome = OLD.outcome;
    END
    """,
    """
    CREATE TRIGGER search_term_status_insert AFTER INSERT ON submission_search_term
    WHEN NEW.status IS NOT (SELECT status FROM submission WHERE id = NEW.submission_id) BEGIN
        UPDATE submission_search_term
            SET status = (SELECT status FROM submission WHERE id = NEW.submission_id)
            WHERE term = NEW.term AND submission_id = NEW.submission_id;
    END
    """,
    """
    CREATE TRIGGER search_term_status_update AFTER UPDATE OF status ON submission
    WHEN OLD.status IS NOT NEW.status BEGIN
        UPDATE submission_search_term SET status = NEW.status WHERE submission_id = NEW.id;
    END
    """,
)

# One function for the three events. A status change touches two counters: always in the
# same order, so two transactions cannot each hold one and wait for the other.
POSTGRESQL_TRIGGERS = (
    """
    CREATE OR REPLACE FUNCTION queue_count_add(s text, o text, n integer) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO queue_count (status, outcome, submissions) VALUES (s, o, n)
        ON CONFLICT (status, outcome)
        DO UPDATE SET submissions = queue_count.submissions + EXCLUDED.submissions
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION queue_count_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM queue_count_add(NEW.status, NEW.outcome, 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM queue_count_add(OLD.status, OLD.outcome, -1);
        ELSIF (OLD.status, OLD.outcome) < (NEW.status, NEW.outcome) THEN
            PERFORM queue_count_add(OLD.status, OLD.outcome, -1);
            PERFORM queue_count_add(NEW.status, NEW.outcome, 1);
        ELSIF (OLD.status, OLD.outcome) > (NEW.status, NEW.outcome) THEN
            PERFORM queue_count_add(NEW.status, NEW.outcome, 1);
            PERFORM queue_count_add(OLD.status, OLD.outcome, -1);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER queue_count_change AFTER INSERT OR DELETE OR UPDATE OF status, outcome
    ON submission FOR EACH ROW EXECUTE FUNCTION queue_count_change()
    """,
    """
    CREATE OR REPLACE FUNCTION search_term_status() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'submission_search_term' THEN
            NEW.status := (SELECT status FROM submission WHERE id = NEW.submission_id);
            RETURN NEW;
        END IF;
        UPDATE submission_search_term SET status = NEW.status WHERE submission_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER search_term_status BEFORE INSERT ON submission_search_term
    FOR EACH ROW EXECUTE FUNCTION search_term_status()
    """,
    """
    CREATE TRIGGER search_term_status AFTER UPDATE OF status ON submission
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION search_term_status()
    """,
)


def upgrade():
    op.create_table('queue_count',
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('submissions', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('status', 'outcome', name=op.f('pk_queue_count'))
    )
    op.create_table('submission_search_term',
    sa.Column('term', sa.String(length=32), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_submission_search_term_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'submission_id', name=op.f('pk_submission_search_term'))
    )

    op.create_index(
        op.f('ix_submission_search_term_submission_id'),
        'submission_search_term',
        ['submission_id'],
    )
    op.create_index(
        'ix_submission_search_term_status', 'submission_search_term', ['term', 'status']
    )

    bind = op.get_bind()
    terms = sa.table('submission_search_term', sa.column('term'), sa.column('submission_id'))
    rows = bind.execute(sa.text("SELECT id, search_name FROM submission WHERE search_name != ''"))
    batch = []
    for submission_id, search_name in rows.fetchall():
        batch.extend(
            {'term': term, 'submission_id': submission_id} for term in set(search_name.split())
        )
        if len(batch) >= 5000:
            op.bulk_insert(terms, batch)
            batch = []
    if batch:
        op.bulk_insert(terms, batch)

    # Not batch mode: SQLite would rebuild the table, and dropping the old one deletes its
    # rows first (cascading to the terms just written). SQLite drops a column since 3.35.
    op.drop_index(op.f('ix_submission_search_name'), table_name='submission')
    op.drop_column('submission', 'search_name')

    op.execute(
        "UPDATE submission_search_term SET status = "
        "(SELECT status FROM submission WHERE submission.id = submission_search_term.submission_id)"
    )
    op.execute(
        "INSERT INTO queue_count (status, outcome, submissions) "
        "SELECT status, outcome, count(*) FROM submission GROUP BY status, outcome"
    )
    triggers = SQLITE_TRIGGERS if bind.dialect.name == 'sqlite' else POSTGRESQL_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for name in (
            'queue_count_insert',
            'queue_count_update',
            'queue_count_delete',
            'search_term_status_insert',
            'search_term_status_update',
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS queue_count_change ON submission")
        op.execute("DROP TRIGGER IF EXISTS search_term_status ON submission")
        op.execute("DROP FUNCTION IF EXISTS search_term_status() CASCADE")
        op.execute("DROP FUNCTION IF EXISTS queue_count_change()")
        op.execute("DROP FUNCTION IF EXISTS queue_count_add(text, text, integer)")
    op.add_column(
        'submission',
        sa.Column('search_name', sa.String(length=240), nullable=False, server_default=''),
    )
    op.create_index(op.f('ix_submission_search_name'), 'submission', ['search_name'])
    # Names are put back from their terms (in no particular word order: only used to match).
    rows = bind.execute(sa.text("SELECT submission_id, term FROM submission_search_term"))
    names = {}
    for submission_id, term in rows.fetchall():
        names.setdefault(submission_id, []).append(term)
    for submission_id, words in names.items():
        bind.execute(
            sa.text("UPDATE submission SET search_name = :name WHERE id = :id"),
            {'name': ' '.join(sorted(words)), 'id': submission_id},
        )
    op.drop_table('submission_search_term')
    op.drop_table('queue_count')
