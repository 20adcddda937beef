"""search terms keyed by term, status and submission: two B-trees a row instead of four

Revision ID: a9d3f5b7c2e1
Revises: f2c6a8d41e97
Create Date: 2026-12-03 13:30:00

Every submit writes one row per prefix of the name's words (seven for "Alex Rivera" and a
phone). Each row went into the table, its key ``(term, submission_id)``, the submission-id
index and the ``(term, status, submission_id)`` index: four B-trees, three of them at a random
place, about 16 of the 40 pages a submit adds to SQLite's log. The key is now
``(term, status, submission_id)`` (what the searches and their counts read), and on SQLite the
table is that key (WITHOUT ROWID); the submission-id index stays for the status triggers and
the cascade. ``status`` cannot be NULL in a key: it is '' until the triggers copy the
submission's (which they do in the same statement).
"""
from alembic import op

revision = 'a9d3f5b7c2e1'
down_revision = 'f2c6a8d41e97'
branch_labels = None
depends_on = None

SQLITE_STATUS_UPDATE = """
    CREATE TRIGGER search_term_status_update AFTER UPDATE OF status ON submission
    WHEN OLD.status IS NOT NEW.status BEGIN
        UPDATE submission_search_term SET status = NEW.status WHERE submission_id = NEW.id;
    END
"""
SQLITE_STATUS_INSERT = """
    CREATE TRIGGER search_term_status_insert AFTER INSERT ON submission_search_term
    WHEN NEW.status IS NOT (SELECT status FROM submission WHERE id = NEW.submission_id) BEGIN
        UPDATE submission_search_term
            SET status = (SELECT status FROM submission WHERE id = NEW.submission_id)
            WHERE term = NEW.term AND submission_id = NEW.submission_id;
    END
"""
FOREIGN_KEY = (
    "CONSTRAINT fk_submission_search_term_submission_id_submission FOREIGN KEY(submission_id) "
    "REFERENCES submission (id) ON DELETE CASCADE"
)
SQLITE_LEAN = f"""
    CREATE TABLE submission_search_term_new (
        term VARCHAR(32) NOT NULL,
        status VARCHAR(32) DEFAULT '' NOT NULL,
        submission_id INTEGER NOT NULL,
        CONSTRAINT pk_submission_search_term PRIMARY KEY (term, status, submission_id),
        {FOREIGN_KEY}
    ) WITHOUT ROWID
"""
SQLITE_ROWID = f"""
    CREATE TABLE submission_search_term_new (
        term VARCHAR(32) NOT NULL,
        submission_id INTEGER NOT NULL,
        status VARCHAR(32),
        CONSTRAINT pk_submission_search_term PRIMARY KEY (term, submission_id),
        {FOREIGN_KEY}
    )
"""


def _sqlite_rebuild(create: str, status: str) -> None:
    """The table made again as ``create`` (SQLite cannot change a table's key): its rows
    copied, its index and triggers made again (the one on ``submission`` names this table, so
    it goes while the table is renamed)."""
    op.execute("DROP TRIGGER search_term_status_update")
    op.execute(create)
    op.execute(
        "INSERT INTO submission_search_term_new (term, status, submission_id) "
        f"SELECT term, {status}, submission_id FROM submission_search_term"
    )
    op.execute("DROP TABLE submission_search_term")
    op.execute("ALTER TABLE submission_search_term_new RENAME TO submission_search_term")
    op.execute(
        "CREATE INDEX ix_submission_search_term_submission_id "
        "ON submission_search_term (submission_id)"
    )
    op.execute(SQLITE_STATUS_INSERT)
    op.execute(SQLITE_STATUS_UPDATE)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rebuild(SQLITE_LEAN, "coalesce(status, '')")
        return
    op.execute("UPDATE submission_search_term SET status = '' WHERE status IS NULL")
    op.alter_column('submission_search_term', 'status', nullable=False, server_default='')
    op.drop_constraint('pk_submission_search_term', 'submission_search_term', type_='primary')
    op.create_primary_key(
        'pk_submission_search_term', 'submission_search_term', ['term', 'status', 'submission_id']
    )
    op.drop_index('ix_submission_search_term_status', table_name='submission_search_term')


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rebuild(SQLITE_ROWID, "status")
    else:
        op.drop_constraint('pk_submission_search_term', 'submission_search_term', type_='primary')
        op.create_primary_key(
            'pk_submission_search_term', 'submission_search_term', ['term', 'submission_id']
        )
        op.alter_column('submission_search_term', 'status', nullable=True, server_default=None)
    op.create_index(
        'ix_submission_search_term_status',
        'submission_search_term',
        ['term', 'status', 'submission_id'],
    )
