"""clinic settings versions

Revision ID: c5e1a7d93b20
Revises: 5b5eedc56939
Create Date: 2026-12-03 03:40:00

The clinic settings become a versioned document in the database (issue 15): one row a version.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c5e1a7d93b20'
down_revision = '5b5eedc56939'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'settings_version',
        sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['created_by_id'],
            ['staff_user.id'],
            name=op.f('fk_settings_version_created_by_id_staff_user'),
        ),
        sa.PrimaryKeyConstraint('version', name=op.f('pk_settings_version')),
    )


def downgrade():
    op.drop_table('settings_version')
