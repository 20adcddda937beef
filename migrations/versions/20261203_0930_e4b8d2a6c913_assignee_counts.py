"""assignee counts kept by triggers: the counts of "My open cases"

Revision ID: e4b8d2a6c913
Revises: d7e2a9c4b815
Create Date: 2026-12-03 09:30:00

"My open cases" (issue 17) shows the signed-in person's submissions per status. Counted from
the assignee index, that is every case they were ever assigned, closed ones included (110,000
index entries for a coordinator at 1,000,000 submissions). ``assignee_count`` holds the number
per assignee and status, kept by triggers on ``submission`` as ``queue_count`` is (migration
3c9e0a4d2b71), so every insert, assignment, status change and delete counts, whichever code or
SQL makes it. Unassigned submissions (every new one) fire nothing.
"""
import sqlalchemy as sa
from alembic import op

revision = 'e4b8d2a6c913'
down_revision = 'd7e2a9c4b815'
branch_labels = None
depends_on = None

CHANGED = "(OLD.status IS NOT NEW.status OR OLD.assigned_to_id IS NOT NEW.assigned_to_id)"

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER assignee_count_insert AFTER INSERT ON submission
    WHEN NEW.assigned_to_id IS NOT NULL BEGIN
        INSERT OR IGNORE INTO assignee_count (assigned_to_id, status, submissions)
            VALUES (NEW.assigned_to_id, NEW.status, 0);
        UPDATE assignee_count SET submissions = submissions + 1
            WHERE assigned_to_id = NEW.assigned_to_id AND status = NEW.status;
    END
    """,
    f"""
    CREATE TRIGGER assignee_count_update_old AFTER UPDATE OF status, assigned_to_id ON submission
    WHEN OLD.assigned_to_id IS NOT NULL AND {CHANGED} BEGIN
        UPDATE assignee_count SET submissions = submissions - 1
            WHERE assigned_to_id = OLD.assigned_to_id AND status = OLD.status;
    END
    """,
    f"""
    CREATE TRIGGER assignee_count_update_new AFTER UPDATE OF status, assigned_to_id ON submission
    WHEN NEW.assigned_to_id IS NOT NULL AND {CHANGED} BEGIN
        INSERT OR IGNORE INTO assignee_count (assigned_to_id, status, submissions)
            VALUES (NEW.assigned_to_id, NEW.status, 0);
        UPDATE assignee_count SET submissions = submissions + 1
            WHERE assigned_to_id = NEW.assigned_to_id AND status = NEW.status;
    END
    """,
    """
    CREATE TRIGGER assignee_count_delete AFTER DELETE ON submission
    WHEN OLD.assigned_to_id IS NOT NULL BEGIN
        UPDATE assignee_count SET submissions = submissions - 1
            WHERE assigned_to_id = OLD.assigned_to_id AND status = OLD.status;
    END
    """,
)

# One function for the three events. A change touches two counters: always in the same order
# (the smaller key first), so two transactions cannot each hold one and wait for the other.
POSTGRESQL_TRIGGERS = (
    """
    CREATE OR REPLACE FUNCTION assignee_count_add(a integer, s text, n integer) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO assignee_count (assigned_to_id, status, submissions) VALUES (a, s, n)
        ON CONFLICT (assigned_to_id, status)
        DO UPDATE SET submissions = assignee_count.submissions + EXCLUDED.submissions
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION assignee_count_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        counted_before boolean := TG_OP <> 'INSERT' AND OLD.assigned_to_id IS NOT NULL;
        counted_after boolean := TG_OP <> 'DELETE' AND NEW.assigned_to_id IS NOT NULL;
    BEGIN
        IF counted_before AND (NOT counted_after
                OR (OLD.assigned_to_id, OLD.status) < (NEW.assigned_to_id, NEW.status)) THEN
            PERFORM assignee_count_add(OLD.assigned_to_id, OLD.status, -1);
            counted_before := false;
        END IF;
        IF counted_after THEN
            PERFORM assignee_count_add(NEW.assigned_to_id, NEW.status, 1);
        END IF;
        IF counted_before THEN
            PERFORM assignee_count_add(OLD.assigned_to_id, OLD.status, -1);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER assignee_count_insert AFTER INSERT ON submission
    FOR EACH ROW WHEN (NEW.assigned_to_id IS NOT NULL)
    EXECUTE FUNCTION assignee_count_change()
    """,
    """
    CREATE TRIGGER assignee_count_update AFTER UPDATE OF status, assigned_to_id ON submission
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.assigned_to_id IS DISTINCT FROM NEW.assigned_to_id)
    EXECUTE FUNCTION assignee_count_change()
    """,
    """
    CREATE TRIGGER assignee_count_delete AFTER DELETE ON submission
    FOR EACH ROW WHEN (OLD.assigned_to_id IS NOT NULL)
    EXECUTE FUNCTION assignee_count_change()
    """,
)


def upgrade():
    op.create_table(
        'assignee_count',
        sa.Column('assigned_to_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('submissions', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('assigned_to_id', 'status', name=op.f('pk_assignee_count')),
    )
    op.execute(
        "INSERT INTO assignee_count (assigned_to_id, status, submissions) "
        "SELECT assigned_to_id, status, count(*) FROM submission "
        "WHERE assigned_to_id IS NOT NULL GROUP BY assigned_to_id, status"
    )
    bind = op.get_bind()
    for statement in SQLITE_TRIGGERS if bind.dialect.name == 'sqlite' else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in (
            'assignee_count_insert',
            'assignee_count_update_old',
            'assignee_count_update_new',
            'assignee_count_delete',
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name in ('assignee_count_insert', 'assignee_count_update', 'assignee_count_delete'):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON submission")
        op.execute("DROP FUNCTION IF EXISTS assignee_count_change()")
        op.execute("DROP FUNCTION IF EXISTS assignee_count_add(integer, text, integer)")
    op.drop_table('assignee_count')
