"""customer feedback, industry items, the needs analysis map and thresholds

New tables only.

Revision ID: 20261208_0310
Revises: 20261208_0350
Create Date: 2026-12-08 03:10:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db


revision = "20261208_0310"
down_revision = "20261208_0350"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('needs_analysis_settings',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('pass_threshold', sa.Float(), nullable=False),
    sa.Column('satisfaction_threshold', sa.Float(), nullable=False),
    sa.Column('complaint_threshold', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_needs_analysis_settings_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_needs_analysis_settings'))
    )
    op.create_table('needs_topic_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('course_id', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_needs_topic_link_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_topic_link')),
    sa.UniqueConstraint('organisation_id', 'kind', 'name', 'course_id', name=op.f('uq_needs_topic_link_organisation_id_kind_name_course_id'))
    )
    with op.batch_alter_table('needs_topic_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_topic_link_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('needs_customer_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('row_key', sa.String(length=64), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('product', sa.String(length=255), nullable=False),
    sa.Column('fault_category', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('scale', sa.Integer(), nullable=True),
    sa.Column('employee_number', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('imported_by', sa.Integer(), nullable=True),
    sa.Column('imported_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['imported_by'], ['lti_user.id'], name=op.f('fk_needs_customer_feedback_imported_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_needs_customer_feedback_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_customer_feedback')),
    sa.UniqueConstraint('organisation_id', 'row_key', name=op.f('uq_needs_customer_feedback_organisation_id_row_key'))
    )
    with op.batch_alter_table('needs_customer_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_needs_customer_feedback_org_day', ['organisation_id', 'received_on'], unique=False)

    op.create_table('needs_industry_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=255), nullable=False),
    sa.Column('relevance', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('course_ids', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['lti_user.id'], name=op.f('fk_needs_industry_item_created_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_needs_industry_item_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_industry_item'))
    )
    with op.batch_alter_table('needs_industry_item', schema=None) as batch_op:
        batch_op.create_index('ix_needs_industry_item_org_day', ['organisation_id', 'noted_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('needs_industry_item', schema=None) as batch_op:
        batch_op.drop_index('ix_needs_industry_item_org_day')

    op.drop_table('needs_industry_item')
    with op.batch_alter_table('needs_customer_feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_needs_customer_feedback_org_day')

    op.drop_table('needs_customer_feedback')
    with op.batch_alter_table('needs_topic_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_topic_link_organisation_id'))

    op.drop_table('needs_topic_link')
    op.drop_table('needs_analysis_settings')
