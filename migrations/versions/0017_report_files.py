"""report files

report_files: the current laporan kegiatan file (DOCX or PDF) of a training, built by a background job and kept in
the file store; one row per training and format, replaced on rebuild.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 17:40:00

"""
from alembic import op
import sqlalchemy as sa

import bimtek.core.models


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('fmt', sa.String(length=4), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('built_at', bimtek.core.models.UTCDateTime(), nullable=False),
    sa.Column('built_by_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['built_by_id'], ['users.id'], name=op.f('fk_report_files_built_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_report_files_job_id_jobs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_report_files_training_id_trainings'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_files')),
    sa.UniqueConstraint('training_id', 'fmt', name='uq_report_files_training_fmt')
    )


def downgrade():
    op.drop_table('report_files')
