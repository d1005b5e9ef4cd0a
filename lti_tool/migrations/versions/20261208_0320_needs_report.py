"""the needs analysis report, and the annual plans that answer it

New tables only.

Revision ID: 20261208_0320
Revises: 20261208_0300
Create Date: 2026-12-08 02:46:23
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261208_0320"
down_revision = "20261208_0300"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('needs_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('overview', sa.Text(), nullable=False),
    sa.Column('methods', sa.Text(), nullable=False),
    sa.Column('main_needs', sa.Text(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.Column('tables_at', lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['lti_user.id'], name=op.f('fk_needs_report_created_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_needs_report_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_report'))
    )
    with op.batch_alter_table('needs_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_report_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('plan_needs_report',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('added_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_needs_report_plan_id_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['needs_report.id'], name=op.f('fk_plan_needs_report_report_id_needs_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'report_id', name=op.f('pk_plan_needs_report'))
    )
    with op.batch_alter_table('plan_needs_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_needs_report_report_id'), ['report_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plan_needs_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_needs_report_report_id'))

    op.drop_table('plan_needs_report')
    with op.batch_alter_table('needs_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_report_organisation_id'))

    op.drop_table('needs_report')
