"""submission summary: what the queue and the export show, encrypted, small

Revision ID: 5d2f8c1a9e43
Revises: 3c9e0a4d2b71
Create Date: 2026-11-29 15:00:00

Stored rows get their summary here, encrypted with the app's current key (``flask db upgrade``
runs inside the app, which loads the keys). The summary's shape is written out below, as it
was when this migration was made, rather than imported from code that may change later.
"""
from alembic import op
import sqlalchemy as sa
import orjson


revision = '5d2f8c1a9e43'
down_revision = '3c9e0a4d2b71'
branch_labels = None
depends_on = None

BATCH = 500


def _summary(answers, decision):
    scores = decision.get('scores') or {}
    return {
        **{key: answers.get(key) for key in ('first_name', 'last_name', 'email', 'phone')},
        'phq9_total': scores.get('phq9_total'),
        'adequate_failed_trials': scores.get('adequate_failed_trials'),
        'rules': [str(rule.get('id', '')) for rule in decision.get('rules', ())],
    }


def upgrade():
    op.add_column('submission', sa.Column('summary', sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT 1 FROM submission LIMIT 1")).first():
        return
    from app.crypto import keyring

    ring = keyring()
    last_id = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, answers, decision FROM submission WHERE id > :last "
                "ORDER BY id LIMIT :batch"
            ),
            {'last': last_id, 'batch': BATCH},
        ).all()
        if not rows:
            break
        last_id = rows[-1][0]
        bind.execute(
            sa.text("UPDATE submission SET summary = :summary WHERE id = :id"),
            [
                {
                    'id': row_id,
                    'summary': ring.encrypt(
                        orjson.dumps(
                            _summary(
                                orjson.loads(ring.decrypt(bytes(answers))),
                                orjson.loads(ring.decrypt(bytes(decision))),
                            )
                        )
                    ),
                }
                for row_id, answers, decision in rows
            ],
        )


def downgrade():
    # Not batch mode: SQLite would rebuild the table, deleting (and cascading) its rows.
    op.drop_column('submission', 'summary')
