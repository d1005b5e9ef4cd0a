"""assigned training: a course assigned to a target group with a due date, and its members

New tables only.

Revision ID: 20261208_0290
Revises: 20261208_0280
Create Date: 2026-12-08 01:00:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261208_0290"
down_revision = "20261208_0280"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('plan_item_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.String(length=255), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('positions', sa.JSON(), nullable=False),
    sa.Column('hired_from', sa.Date(), nullable=True),
    sa.Column('employee_numbers', sa.JSON(), nullable=False),
    sa.Column('onboarding', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['lti_user.id'], name=op.f('fk_plan_assignment_created_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_plan_assignment_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_item_id'], ['plan_item.id'], name=op.f('fk_plan_assignment_plan_item_id_plan_item'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_assignment'))
    )
    with op.batch_alter_table('plan_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_assignment_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('plan_assignment_member',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('added_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['plan_assignment.id'], name=op.f('fk_plan_assignment_member_assignment_id_plan_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_plan_assignment_member_employee_id_employee'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assignment_id', 'employee_id', name=op.f('pk_plan_assignment_member'))
    )
    with op.batch_alter_table('plan_assignment_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_assignment_member_employee_id'), ['employee_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plan_assignment_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_assignment_member_employee_id'))

    op.drop_table('plan_assignment_member')
    with op.batch_alter_table('plan_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_assignment_organisation_id'))

    op.drop_table('plan_assignment')
