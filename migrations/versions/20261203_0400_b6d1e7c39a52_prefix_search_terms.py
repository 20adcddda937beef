"""search terms: every prefix of a name's folded words, a phone's last four digits and ten

Revision ID: b6d1e7c39a52
Revises: 8a4e6b2c1f70
Create Date: 2026-12-03 04:00:00

Staff find a name by any word's first three letters or more, without case or accents, and a
phone number by its last four digits or in full with or without a country code (its last ten
digits; app/submissions.py). Stored submissions get their terms
here, computed with the app's blind-index key (``flask db upgrade`` runs inside the app). The
scheme is written out below as it was when this migration was made.
"""
from alembic import op
import re
import unicodedata

import orjson
import sqlalchemy as sa


revision = 'b6d1e7c39a52'
down_revision = '8a4e6b2c1f70'
branch_labels = None
depends_on = None

BATCH = 500


def _fold(text):
    decomposed = unicodedata.normalize('NFKD', text.casefold())
    return ''.join(char for char in decomposed if not unicodedata.combining(char))


def _prefix_terms(index, answers):
    name = f"{answers.get('first_name', '')} {answers.get('last_name', '')}"
    words = [token for token in re.split(r'[\W_]+', _fold(name)) if token][:7]
    prefixes = []
    for word in words:
        word = word[:12]
        prefixes += [word] if len(word) <= 3 else [word[:n] for n in range(3, len(word) + 1)]
    terms = [index(prefix) for prefix in prefixes]
    digits = re.sub(r'\D', '', answers.get('phone') or '')
    if len(digits) >= 4:
        terms.append(index(f'tel:{digits[-4:]}'))
    return list(dict.fromkeys(terms))


def _word_terms(index, answers):
    name = f"{answers.get('first_name', '')} {answers.get('last_name', '')}"
    words = [token for token in re.split(r'[\s,]+', name.strip().lower()) if token][:7]
    return list(dict.fromkeys(index(word) for word in words))


def _phone_keys(index, answers, keep):
    digits = re.sub(r'\D', '', answers.get('phone') or '')
    return index(digits[-keep:] if keep else digits)


def _rewrite(terms_of, phone_digits):
    bind = op.get_bind()
    if not bind.execute(sa.text('SELECT 1 FROM submission LIMIT 1')).first():
        return
    from app.crypto import keyring

    ring = keyring()
    last_id = 0
    while True:
        rows = bind.execute(
            sa.text(
                'SELECT id, status, answers FROM submission WHERE id > :last '
                'ORDER BY id LIMIT :batch'
            ),
            {'last': last_id, 'batch': BATCH},
        ).all()
        if not rows:
            break
        last_id = rows[-1][0]
        decrypted = [
            (row_id, status, orjson.loads(ring.decrypt(bytes(answers))))
            for row_id, status, answers in rows
        ]
        bind.execute(
            sa.text('UPDATE submission SET search_phone = :phone WHERE id = :id'),
            [
                {'id': row_id, 'phone': _phone_keys(ring.blind_index, answers, phone_digits)}
                for row_id, _, answers in decrypted
            ],
        )
        bind.execute(
            sa.text('DELETE FROM submission_search_term WHERE submission_id IN :ids').bindparams(
                sa.bindparam('ids', expanding=True)
            ),
            {'ids': [row[0] for row in rows]},
        )
        values = [
            {'term': term, 'submission_id': row_id, 'status': status}
            for row_id, status, answers in decrypted
            for term in terms_of(ring.blind_index, answers)
        ]
        if values:
            bind.execute(
                sa.text(
                    'INSERT INTO submission_search_term (term, submission_id, status) '
                    'VALUES (:term, :submission_id, :status)'
                ),
                values,
            )


def upgrade():
    _rewrite(_prefix_terms, 10)


def downgrade():
    _rewrite(_word_terms, 0)
