"""classroom sessions and attendance

Revision ID: 20261123_0051
Revises: 20261123_0050
Create Date: 2026-11-23 22:30:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261123_0051"
down_revision = "20261123_0050"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("content_session_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("starts_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("trainer_name", sa.String(length=255), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("materials", sa.Text(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("checkin_secret", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"], name=op.f("fk_class_session_context_id_lti_context"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["lti_user.id"], name=op.f("fk_class_session_created_by_id_lti_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["trainer_id"], ["lti_user.id"], name=op.f("fk_class_session_trainer_id_lti_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_session")),
        sa.UniqueConstraint("uid", name=op.f("uq_class_session_uid")),
    )
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_class_session_context_id"), ["context_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_class_session_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "class_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("checked_in_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["marked_by_id"], ["lti_user.id"], name=op.f("fk_class_attendance_marked_by_id_lti_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["session_id"], ["class_session.id"], name=op.f("fk_class_attendance_session_id_class_session"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["lti_user.id"], name=op.f("fk_class_attendance_user_id_lti_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_attendance")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_class_attendance_session_id_user_id")),
    )
    with op.batch_alter_table("class_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_class_attendance_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_class_attendance_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("class_attendance")
    op.drop_table("class_session")
