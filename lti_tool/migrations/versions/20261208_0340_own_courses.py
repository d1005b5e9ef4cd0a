"""organisations' own courses: catalog_course.owner_organisation_id

NULL (every existing row) is a course of the shared library; a value is the
organisation that made the course on the question-bank page.

Revision ID: 20261208_0340
Revises: 20261208_0360
Create Date: 2026-12-08 02:46:03
"""

import sqlalchemy as sa
from alembic import op

revision = "20261208_0340"
down_revision = "20261208_0360"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('catalog_course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_catalog_course_owner_organisation_id'), ['owner_organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_catalog_course_owner_organisation_id_organisation'), 'organisation',
                                    ['owner_organisation_id'], ['id'], ondelete='RESTRICT')


def downgrade() -> None:
    with op.batch_alter_table('catalog_course', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_catalog_course_owner_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_catalog_course_owner_organisation_id'))
        batch_op.drop_column('owner_organisation_id')
