"""one active job per (kind, training)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = "0008"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('queued', 'running')")


def upgrade():
    # Databases from before this revision may hold two active jobs for one training (double click):
    # keep the newest, mark the others failed so the unique index can be built.
    op.execute(
        "UPDATE jobs SET status = 'failed', message = 'Dihentikan: pekerjaan ganda untuk pelatihan yang sama.' "
        "WHERE status IN ('queued', 'running') AND training_id IS NOT NULL AND id < ("
        "SELECT max(j2.id) FROM jobs j2 WHERE j2.kind = jobs.kind AND j2.training_id = jobs.training_id "
        "AND j2.status IN ('queued', 'running'))")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('uq_jobs_active_kind_training', ['kind', 'training_id'], unique=True,
                              sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('uq_jobs_active_kind_training')
