"""submission treatments: each treatment's outcome of a submission, for the queue's filters

Revision ID: d7e2a9c4b815
Revises: a4c8e2f61d37
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
down_revision = 'a4c8e2f61d37'
branch_labels = None
depends_on = None

BATCH = 500
TREATMENTS = ('esketamine', 'iv_ketamine', 'tms', 'ect_referral')


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
        sa.ForeignKeyConstraint(
            ['submission_id'], ['submission.id'],
            name=op.f('fk_submission_treatment_submission_id_submission'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'submission_id', 'treatment', name=op.f('pk_submission_treatment')
        ),
    )
    op.create_index(
        'ix_submission_treatment_outcome',
        'submission_treatment',
        ['treatment', 'outcome', 'submission_id'],
        unique=False,
    )
    _fill(op.get_bind())


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
                    "INSERT INTO submission_treatment (submission_id, treatment, outcome) "
                    "VALUES (:submission_id, :treatment, :outcome)"
                ),
                treatments,
            )


def downgrade():
    op.drop_index('ix_submission_treatment_outcome', table_name='submission_treatment')
    op.drop_table('submission_treatment')
