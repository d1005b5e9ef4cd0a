"""training records; joins the xapi and catalog branches

Revision ID: 20261123_0030
Revises: 20261123_0010, 20261123_0020
Create Date: 2026-11-23 21:05:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261123_0030"
down_revision = ("20261123_0010", "20261123_0020")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=True),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=255), nullable=False),
        sa.Column("course_version_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("score_max", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("started_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"], name=op.f("fk_training_record_context_id_lti_context"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["platform_id"], ["lti_platform.id"], name=op.f("fk_training_record_platform_id_lti_platform"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["lti_user.id"], name=op.f("fk_training_record_user_id_lti_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_record")),
        sa.UniqueConstraint("user_id", "context_id", "kind", "item_id", name=op.f("uq_training_record_user_id_context_id_kind_item_id")),
    )
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_record_context_id"), ["context_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_record_platform_id"), ["platform_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_record_course_id"), ["course_id"], unique=False)
        batch_op.create_index("ix_training_record_user_course", ["user_id", "course_id"], unique=False)
        batch_op.create_index("ix_training_record_kind_status", ["kind", "status", "completed_at"], unique=False)


def downgrade() -> None:
    op.drop_table("training_record")
