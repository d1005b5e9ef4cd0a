"""one approval mechanism: approvers, approval requests and their decisions

Approvers are employees HR names to a role (management, the head of the training
department, a department head for one department); a request is one submitted version
of a document going through its kind's steps; decisions are its history. New tables
only.

Revision ID: 20261208_0270
Revises: 20261208_0260
Create Date: 2026-12-08 00:30:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261208_0270"
down_revision = "20261208_0260"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('approval_approver',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('department', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['lti_user.id'], name=op.f('fk_approval_approver_created_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_approval_approver_employee_id_employee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_approval_approver_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_approver')),
    sa.UniqueConstraint('organisation_id', 'employee_id', 'role', 'department', name=op.f('uq_approval_approver_organisation_id_employee_id_role_department'))
    )
    with op.batch_alter_table('approval_approver', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_approver_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_approver_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('approval_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('step_role', sa.String(length=32), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_approval_request_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by'], ['lti_user.id'], name=op.f('fk_approval_request_submitted_by_lti_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_request')),
    sa.UniqueConstraint('kind', 'document_id', 'version', name=op.f('uq_approval_request_kind_document_id_version'))
    )
    with op.batch_alter_table('approval_request', schema=None) as batch_op:
        batch_op.create_index('ix_approval_request_waiting', ['organisation_id', 'state', 'step_role'], unique=False)

    op.create_table('approval_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=255), nullable=False),
    sa.Column('at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['lti_user.id'], name=op.f('fk_approval_decision_actor_user_id_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['approval_request.id'], name=op.f('fk_approval_decision_request_id_approval_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_decision'))
    )
    with op.batch_alter_table('approval_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_decision_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('approval_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_decision_request_id'))

    op.drop_table('approval_decision')
    with op.batch_alter_table('approval_request', schema=None) as batch_op:
        batch_op.drop_index('ix_approval_request_waiting')

    op.drop_table('approval_request')
    with op.batch_alter_table('approval_approver', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_approver_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_approval_approver_employee_id'))

    op.drop_table('approval_approver')
