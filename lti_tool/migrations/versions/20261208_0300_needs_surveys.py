"""training needs surveys and their responses

New tables only.

Revision ID: 20261208_0300
Revises: 20261208_0290
Create Date: 2026-12-08 01:10:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261208_0300"
down_revision = "20261208_0290"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('needs_survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('positions', sa.JSON(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['lti_user.id'], name=op.f('fk_needs_survey_created_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_needs_survey_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_survey'))
    )
    with op.batch_alter_table('needs_survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_survey_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('needs_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=255), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('wanted', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('as_department_head', sa.Boolean(), nullable=False),
    sa.Column('department_needs', sa.Text(), nullable=False),
    sa.Column('suggestions', sa.Text(), nullable=False),
    sa.Column('submitted_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_needs_response_employee_id_employee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['needs_survey.id'], name=op.f('fk_needs_response_survey_id_needs_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_response')),
    sa.UniqueConstraint('survey_id', 'employee_id', name=op.f('uq_needs_response_survey_id_employee_id'))
    )
    with op.batch_alter_table('needs_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_response_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_response_survey_id'), ['survey_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('needs_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_response_survey_id'))
        batch_op.drop_index(batch_op.f('ix_needs_response_employee_id'))

    op.drop_table('needs_response')
    with op.batch_alter_table('needs_survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_survey_organisation_id'))

    op.drop_table('needs_survey')
