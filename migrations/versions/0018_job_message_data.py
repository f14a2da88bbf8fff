"""job message data

jobs.message_data: the job's message as a translatable Message (msgid and parameters), so the job page shows it
in the reader's language; `message` keeps its Indonesian text. NULL for plain text (names, older rows).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 21:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_data', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('message_data')
