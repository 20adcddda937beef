"""reevaluation runs: dry runs and applies, one running apply at a time

Revision ID: e1a7c3b95d20
Revises: b8d5bdeb9350
Create Date: 2026-12-03 03:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e1a7c3b95d20'
down_revision = 'b8d5bdeb9350'
branch_labels = None
depends_on = None

RUNNING = sa.text("state = 'running'")


def upgrade():
    op.create_table(
        'reevaluation_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('target_version', sa.String(length=64), nullable=False),
        sa.Column('dry_run_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('via', sa.String(length=10), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('checked', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('outcome_changed', sa.Integer(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ['dry_run_id'], ['reevaluation_run.id'],
            name=op.f('fk_reevaluation_run_dry_run_id_reevaluation_run'),
        ),
        sa.ForeignKeyConstraint(
            ['started_by_id'], ['staff_user.id'],
            name=op.f('fk_reevaluation_run_started_by_id_staff_user'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reevaluation_run')),
    )
    op.create_index(
        'uq_reevaluation_run_running',
        'reevaluation_run',
        ['kind'],
        unique=True,
        sqlite_where=RUNNING,
        postgresql_where=RUNNING,
    )


def downgrade():
    op.drop_index('uq_reevaluation_run_running', table_name='reevaluation_run')
    op.drop_table('reevaluation_run')
