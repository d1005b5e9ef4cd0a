"""training costs: annual budgets with their lines, expense claims with their
attachments, and the organisation's currency (CNY unless set)

A budget's and a claim's approval live in the approval tables (20261208_0270).

Revision ID: 20261208_0350
Revises: 20261208_0340
Create Date: 2026-12-08 03:50:00
"""

from alembic import op
import sqlalchemy as sa
import lti_tool.db


revision = "20261208_0350"
down_revision = "20261208_0340"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cost_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['lti_user.id'], name=op.f('fk_cost_budget_created_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_cost_budget_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_cost_budget_plan_id_plan'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_budget')),
    sa.UniqueConstraint('organisation_id', 'year', name=op.f('uq_cost_budget_organisation_id_year'))
    )
    with op.batch_alter_table('cost_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_budget_plan_id'), ['plan_id'], unique=False)

    op.create_table('cost_budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('plan_item_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['cost_budget.id'], name=op.f('fk_cost_budget_line_budget_id_cost_budget'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_item_id'], ['plan_item.id'], name=op.f('fk_cost_budget_line_plan_item_id_plan_item'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_budget_line'))
    )
    with op.batch_alter_table('cost_budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_budget_line_budget_id'), ['budget_id'], unique=False)

    op.create_table('cost_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=255), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('plan_item_id', sa.Integer(), nullable=True),
    sa.Column('class_session_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_by', sa.Integer(), nullable=True),
    sa.Column('paid_by_label', sa.String(length=255), nullable=False),
    sa.Column('payment_reference', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['class_session_id'], ['class_session.id'], name=op.f('fk_cost_claim_class_session_id_class_session'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_cost_claim_employee_id_employee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_cost_claim_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paid_by'], ['lti_user.id'], name=op.f('fk_cost_claim_paid_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_item_id'], ['plan_item.id'], name=op.f('fk_cost_claim_plan_item_id_plan_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['lti_user.id'], name=op.f('fk_cost_claim_user_id_lti_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_claim'))
    )
    with op.batch_alter_table('cost_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_claim_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index('ix_cost_claim_listing', ['organisation_id', 'status', 'category'], unique=False)
        batch_op.create_index(batch_op.f('ix_cost_claim_plan_item_id'), ['plan_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cost_claim_user_id'), ['user_id'], unique=False)

    op.create_table('cost_claim_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['cost_claim.id'], name=op.f('fk_cost_claim_attachment_claim_id_cost_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['lti_user.id'], name=op.f('fk_cost_claim_attachment_uploaded_by_lti_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_claim_attachment')),
    sa.UniqueConstraint('uid', name=op.f('uq_cost_claim_attachment_uid'))
    )
    with op.batch_alter_table('cost_claim_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_claim_attachment_claim_id'), ['claim_id'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('currency')

    with op.batch_alter_table('cost_claim_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_claim_attachment_claim_id'))

    op.drop_table('cost_claim_attachment')
    with op.batch_alter_table('cost_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_claim_user_id'))
        batch_op.drop_index(batch_op.f('ix_cost_claim_plan_item_id'))
        batch_op.drop_index('ix_cost_claim_listing')
        batch_op.drop_index(batch_op.f('ix_cost_claim_employee_id'))

    op.drop_table('cost_claim')
    with op.batch_alter_table('cost_budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_budget_line_budget_id'))

    op.drop_table('cost_budget_line')
    with op.batch_alter_table('cost_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_budget_plan_id'))

    op.drop_table('cost_budget')
