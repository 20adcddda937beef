"""submission treatments: each treatment's outcome of a submission, for the queue's filters

Revision ID: d7e2a9c4b815
Revises: d17b3e9a5c21
Create Date: 2026-12-03 06:30:00

Issue 21: a decision carries one outcome per treatment the clinic offers; the queue filters by
treatment and by a treatment's outcome through this small indexed table (app/treatment_index.py
writes it with the decision), and the queue row shows them from the summary (``treatments``).
A stored decision that already has per-treatment outcomes gets its rows and its summary's
``treatments`` here (decrypted with the app's keyring: ``flask db upgrade`` runs inside the
app); one from before issue 21 has none, and its summary gets an empty ``treatments``, as the app
writes it. The shapes are written out as they were when this was made.
"""
from alembic import op
import orjson
import sqlalchemy as sa


revision = 'd7e2a9c4b815'
down_revision = 'd17b3e9a5c21'
branch_labels = None
depends_on = None

BATCH = 500
TREATMENTS = ('esketamine', 'iv_ketamine', 'tms', 'ect_referral')


# A submission's status and priority follow into its rows (as its search terms' status does).
SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER submission_treatment_follow AFTER UPDATE OF status, priority ON submission
    WHEN OLD.status IS NOT NEW.status OR OLD.priority IS NOT NEW.priority BEGIN
        UPDATE submission_treatment SET status = NEW.status, priority = NEW.priority
            WHERE submission_id = NEW.id;
    END
    """,
)
POSTGRESQL_TRIGGERS = (
    """
    CREATE OR REPLACE FUNCTION submission_treatment_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE submission_treatment SET status = NEW.status, priority = NEW.priority
            WHERE submission_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER submission_treatment_follow AFTER UPDATE OF status, priority ON submission
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.priority IS DISTINCT FROM NEW.priority)
    EXECUTE FUNCTION submission_treatment_follow()
    """,
)


def _outcomes(decision):
    treatments = decision.get('treatments')
    if not isinstance(treatments, dict):
        return {}
    found = {}
    for code in TREATMENTS:
        entry = treatments.get(code)
        if isinstance(entry, dict) and isinstance(entry.get('outcome'), str):
            found[code] = entry['outcome']
    return found


def upgrade():
    op.create_table(
        'submission_treatment',
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('treatment', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('priority', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['submission_id'], ['submission.id'],
            name=op.f('fk_submission_treatment_submission_id_submission'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'submission_id', 'treatment', name=op.f('pk_submission_treatment')
        ),
    )
    op.create_index(
        'ix_submission_treatment_queue',
        'submission_treatment',
        [
            'treatment',
            'outcome',
            sa.text('priority DESC'),
            'submitted_at',
            'submission_id',
            'status',
        ],
        unique=False,
    )
    bind = op.get_bind()
    for statement in SQLITE_TRIGGERS if bind.dialect.name == 'sqlite' else POSTGRESQL_TRIGGERS:
        op.execute(statement)
    _fill(bind)


def _fill(bind):
    if not bind.execute(sa.text("SELECT 1 FROM submission LIMIT 1")).first():
        return
    from app.crypto import keyring

    ring = keyring()
    last_id = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, decision, summary FROM submission WHERE id > :last "
                "ORDER BY id LIMIT :batch"
            ),
            {'last': last_id, 'batch': BATCH},
        ).all()
        if not rows:
            break
        last_id = rows[-1][0]
        summaries, treatments = [], []
        for row_id, decision, summary in rows:
            outcomes = _outcomes(orjson.loads(ring.decrypt(bytes(decision))))
            treatments += [
                {'submission_id': row_id, 'treatment': code, 'outcome': outcome}
                for code, outcome in outcomes.items()
            ]
            if summary is not None:
                shown = orjson.loads(ring.decrypt(bytes(summary)))
                shown['treatments'] = outcomes
                summaries.append({'id': row_id, 'summary': ring.encrypt(orjson.dumps(shown))})
        if summaries:
            bind.execute(
                sa.text("UPDATE submission SET summary = :summary WHERE id = :id"), summaries
            )
        if treatments:
            bind.execute(
                sa.text(
                    "INSERT INTO submission_treatment "
                    "(submission_id, treatment, outcome, status, priority, submitted_at) "
                    "SELECT id, :treatment, :outcome, status, priority, submitted_at "
                    "FROM submission WHERE id = :submission_id"
                ),
                treatments,
            )


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS submission_treatment_follow")
    else:
        op.execute("DROP TRIGGER IF EXISTS submission_treatment_follow ON submission")
        op.execute("DROP FUNCTION IF EXISTS submission_treatment_follow()")
    op.drop_index('ix_submission_treatment_queue', table_name='submission_treatment')
    op.drop_table('submission_treatment')
