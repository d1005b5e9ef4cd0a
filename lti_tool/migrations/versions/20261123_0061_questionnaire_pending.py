"""questionnaire answers wait in questionnaire_pending until mixed

Revision ID: 20261123_0061
Revises: 20261123_0070
Create Date: 2026-11-23 22:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20261123_0061"
down_revision = "20261123_0070"  # after the merge of the feature branches: one head
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_pending",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Integer(), nullable=False),
        sa.Column("method", sa.Integer(), nullable=False),
        sa.Column("trainer", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"],
                                name=op.f("fk_questionnaire_pending_context_id_lti_context"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["platform_id"], ["lti_platform.id"],
                                name=op.f("fk_questionnaire_pending_platform_id_lti_platform"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_pending")),
    )


def downgrade() -> None:
    op.drop_table("questionnaire_pending")
