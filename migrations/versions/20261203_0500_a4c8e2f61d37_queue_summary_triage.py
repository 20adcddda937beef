"""queue summary: age, language, preferred contact and the top reason for the queue's rows

Revision ID: a4c8e2f61d37
Revises: c5e1a7d93b20
Create Date: 2026-12-03 05:00:00

No schema change: each stored row's encrypted summary is written again with the new fields,
decrypting its answers and decision with the app's keyring (``flask db upgrade`` runs inside
the app). The summary's shape is written out here, as it was when this migration was made.
"""
from alembic import op
import sqlalchemy as sa
import orjson


revision = 'a4c8e2f61d37'
down_revision = 'c5e1a7d93b20'
branch_labels = None
depends_on = None

BATCH = 500
ANSWERS = (
    'first_name', 'last_name', 'email', 'phone', 'preferred_language', 'preferred_contact',
)
DECIDING = {
    'urgent_safety_review': {'safety'},
    'not_a_candidate_now': {'exclusion'},
    'needs_clinician_review': {'caution', 'review', 'missing_info'},
    'likely_candidate': {'inclusion_evidence'},
}


def _top_reason(decision):
    deciding = DECIDING.get(decision.get('outcome'), set())
    for rule in decision.get('rules', ()):
        if rule.get('category') in deciding and rule.get('reason'):
            return str(rule['reason'])
    return None


def _summary(answers, decision):
    scores = decision.get('scores') or {}
    return {
        **{key: answers.get(key) for key in ANSWERS},
        'phq9_total': scores.get('phq9_total'),
        'adequate_failed_trials': scores.get('adequate_failed_trials'),
        'rules': [str(rule.get('id', '')) for rule in decision.get('rules', ())],
        'age_years': scores.get('age_years'),
        'top_reason': _top_reason(decision),
    }


def upgrade():
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
    # The extra fields are harmless to older code, which reads the keys it knows.
    pass
