"""submission treatments: each treatment's outcome of a submission, for the queue's filters

Revision ID: d7e2a9c4b815
Revises: a4c8e2f61d37
Create Date: 2026-12-03 06:30:00

Issue 21: a decision carries one outcome per treatment the clinic offers; the queue filters by
treatment and by a treatment's outcome through this small indexed table (app/treatment_index.py
writes it with the decision). Decisions stored before issue 21 have no per-treatment outcomes,
so there is nothing to fill in.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd7e2a9c4b815'
down_revision = 'a4c8e2f61d37'
branch_labels = None
depends_on = None


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


def downgrade():
    op.drop_index('ix_submission_treatment_outcome', table_name='submission_treatment')
    op.drop_table('submission_treatment')
