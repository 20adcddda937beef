"""assignee queue index: "My open cases" and its counts read one index

Revision ID: d17b3e9a5c21
Revises: a4c8e2f61d37
Create Date: 2026-12-03 06:00:00

The view "My open cases" (issue 17) counts the signed-in person's submissions per status and
shows their open ones in queue order. With an index of the assignee alone, PostgreSQL fetched
every assigned row from the table to read its status: 0.5 s for 33,000 rows at 300,000
submissions. Holding the status and the queue order too, the counts are an index-only scan and
the page an index range, sorted in a few hundred rows. Still assigned submissions only.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd17b3e9a5c21'
down_revision = 'a4c8e2f61d37'
branch_labels = None
depends_on = None

ASSIGNED = sa.text('assigned_to_id IS NOT NULL')


def upgrade():
    op.drop_index('ix_submission_assigned_to_id', table_name='submission')
    op.create_index(
        'ix_submission_assigned_to_id',
        'submission',
        ['assigned_to_id', 'status', sa.text('priority DESC'), 'submitted_at', 'id'],
        sqlite_where=ASSIGNED,
        postgresql_where=ASSIGNED,
    )


def downgrade():
    op.drop_index('ix_submission_assigned_to_id', table_name='submission')
    op.create_index(
        'ix_submission_assigned_to_id',
        'submission',
        ['assigned_to_id'],
        sqlite_where=ASSIGNED,
        postgresql_where=ASSIGNED,
    )
