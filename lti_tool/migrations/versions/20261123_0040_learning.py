"""online learning: lesson progress, quiz attempts, responses, regrades

Revision ID: 20261123_0040
Revises: 20261123_0030
Create Date: 2026-11-23 21:40:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261123_0040"
down_revision = "20261123_0030"
branch_labels = None
depends_on = None

UTC = lti_tool.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "learning_lesson_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("lesson_id", sa.String(length=64), nullable=False),
        sa.Column("course_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("first_opened_at", UTC, nullable=False),
        sa.Column("last_opened_at", UTC, nullable=False),
        sa.Column("completed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"], name=op.f("fk_learning_lesson_progress_context_id_lti_context"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["course_version_id"], ["catalog_course_version.id"], name=op.f("fk_learning_lesson_progress_course_version_id_catalog_course_version"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["user_id"], ["lti_user.id"], name=op.f("fk_learning_lesson_progress_user_id_lti_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_lesson_progress")),
        sa.UniqueConstraint("user_id", "context_id", "course_id", "lesson_id", name=op.f("uq_learning_lesson_progress_user_id_context_id_course_id_lesson_id")),
    )
    with op.batch_alter_table("learning_lesson_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_lesson_progress_context_id"), ["context_id"], unique=False)

    op.create_table(
        "learning_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("resource_link_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=255), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("course_version_id", sa.Integer(), nullable=False),
        sa.Column("graded_version_id", sa.Integer(), nullable=True),
        sa.Column("paper", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("deadline", UTC, nullable=True),
        sa.Column("saved_at", UTC, nullable=True),
        sa.Column("submitted_at", UTC, nullable=True),
        sa.Column("closed_by_deadline", sa.Boolean(), nullable=False),
        sa.Column("submit_key", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("score_max", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("graded_at", UTC, nullable=True),
        sa.Column("statements_due", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"], name=op.f("fk_learning_attempt_context_id_lti_context"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["course_version_id"], ["catalog_course_version.id"], name=op.f("fk_learning_attempt_course_version_id_catalog_course_version"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["graded_version_id"], ["catalog_course_version.id"], name=op.f("fk_learning_attempt_graded_version_id_catalog_course_version"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["resource_link_id"], ["lti_resource_link.id"], name=op.f("fk_learning_attempt_resource_link_id_lti_resource_link"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["lti_user.id"], name=op.f("fk_learning_attempt_user_id_lti_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_attempt")),
        sa.UniqueConstraint("user_id", "context_id", "item_id", "number", name=op.f("uq_learning_attempt_user_id_context_id_item_id_number")),
        sa.UniqueConstraint("uuid", name=op.f("uq_learning_attempt_uuid")),
    )
    with op.batch_alter_table("learning_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_learning_attempt_item", ["context_id", "item_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_learning_attempt_statements_due"), ["statements_due"], unique=False)

    op.create_table(
        "learning_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("part_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("points", sa.Float(), nullable=True),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("needs_grading", sa.Boolean(), nullable=False),
        sa.Column("graded_by_id", sa.Integer(), nullable=True),
        sa.Column("graded_at", UTC, nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["attempt_id"], ["learning_attempt.id"], name=op.f("fk_learning_response_attempt_id_learning_attempt"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["graded_by_id"], ["lti_user.id"], name=op.f("fk_learning_response_graded_by_id_lti_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_response")),
        sa.UniqueConstraint("attempt_id", "question_id", "part_id", name=op.f("uq_learning_response_attempt_id_question_id_part_id")),
    )
    with op.batch_alter_table("learning_response", schema=None) as batch_op:
        batch_op.create_index("ix_learning_response_grading", ["needs_grading", "attempt_id"], unique=False)

    op.create_table(
        "learning_regrade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=255), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["by_user_id"], ["lti_user.id"], name=op.f("fk_learning_regrade_by_user_id_lti_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"], name=op.f("fk_learning_regrade_context_id_lti_context"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["catalog_course_version.id"], name=op.f("fk_learning_regrade_version_id_catalog_course_version"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_regrade")),
    )
    with op.batch_alter_table("learning_regrade", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_regrade_context_id"), ["context_id"], unique=False)


def downgrade() -> None:
    op.drop_table("learning_regrade")
    op.drop_table("learning_response")
    op.drop_table("learning_attempt")
    op.drop_table("learning_lesson_progress")
