"""assignee index: assigned submissions only

Revision ID: 8a4e6b2c1f70
Revises: 5d2f8c1a9e43
Create Date: 2026-11-29 21:00:00

"Mine" looks up one assignee, never the unassigned, so the index holds assigned submissions
only: a new submission (always unassigned) no longer writes a page of it.
"""
from alembic import op
import sqlalchemy as sa


revision = '8a4e6b2c1f70'
down_revision = '5d2f8c1a9e43'
branch_labels = None
depends_on = None

ASSIGNED = sa.text('assigned_to_id IS NOT NULL')


def upgrade():
    op.drop_index('ix_submission_assigned_to_id', table_name='submission')
    op.create_index(
        'ix_submission_assigned_to_id',
        'submission',
        ['assigned_to_id'],
        sqlite_where=ASSIGNED,
        postgresql_where=ASSIGNED,
    )


def downgrade():
    op.drop_index('ix_submission_assigned_to_id', table_name='submission')
    op.create_index('ix_submission_assigned_to_id', 'submission', ['assigned_to_id'])
