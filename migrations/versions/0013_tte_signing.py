"""electronic signatures (TTE)

How a training's certificates are signed (manual upload, the institution's PKCS#12, BSrE personal signature or
e-seal), the stored PKCS#12 and trust anchors, the configured signer certificate, BSrE identifiers, and the name
of the signer of each signed certificate.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 08:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sign_method', sa.String(length=12), server_default='manual', nullable=False))
        batch_op.add_column(sa.Column('pkcs12_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('signer_cert_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('anchors_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('bsre_nik', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bsre_subscriber', sa.String(length=100), server_default='', nullable=False))
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_by', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('signed_by')
    with op.batch_alter_table('certificate_settings', schema=None) as batch_op:
        for column in ('bsre_subscriber', 'bsre_nik', 'anchors_sha256', 'signer_cert_sha256', 'pkcs12_sha256',
                       'sign_method'):
            batch_op.drop_column(column)
