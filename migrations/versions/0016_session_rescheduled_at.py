"""session rescheduled_at

training_sessions.rescheduled_at: when a session's times last changed (the calendar update to participants who
registered before it). Sessions already moved (sequence > 0) take their updated_at.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 14:55:00

"""
from alembic import op
import sqlalchemy as sa

import bimtek.core.models


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rescheduled_at', bimtek.core.models.UTCDateTime(), nullable=True))
    op.execute("UPDATE training_sessions SET rescheduled_at = updated_at WHERE sequence > 0")


def downgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_column('rescheduled_at')
