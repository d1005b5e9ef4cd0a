"""practical assessments: assessments, audit trail, submissions, evidence, roster refreshes

Revision ID: 20261123_0050
Revises: 20261123_0030
Create Date: 2026-11-23 22:00:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261123_0050"
down_revision = "20261123_0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practical_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=255), nullable=False),
        sa.Column("course_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("statement_ids", sa.JSON(), nullable=False),
        sa.Column("started_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("draft_saved_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["assessor_id"], ["lti_user.id"], name=op.f("fk_practical_assessment_assessor_id_lti_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"], name=op.f("fk_practical_assessment_context_id_lti_context"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["course_version_id"], ["catalog_course_version.id"], name=op.f("fk_practical_assessment_course_version_id_catalog_course_version"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["learner_id"], ["lti_user.id"], name=op.f("fk_practical_assessment_learner_id_lti_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practical_assessment")),
        sa.UniqueConstraint("uid", name=op.f("uq_practical_assessment_uid")),
    )
    with op.batch_alter_table("practical_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practical_assessment_context_id"), ["context_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practical_assessment_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(
            "uq_practical_assessment_draft", ["context_id", "learner_id", "item_id"], unique=True,
            sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"),
        )

    op.create_table(
        "practical_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("corrected_by_id", sa.Integer(), nullable=True),
        sa.Column("corrected_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["practical_assessment.id"], name=op.f("fk_practical_revision_assessment_id_practical_assessment"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["corrected_by_id"], ["lti_user.id"], name=op.f("fk_practical_revision_corrected_by_id_lti_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["signed_by_id"], ["lti_user.id"], name=op.f("fk_practical_revision_signed_by_id_lti_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practical_revision")),
        sa.UniqueConstraint("assessment_id", "version", name=op.f("uq_practical_revision_assessment_id_version")),
    )

    op.create_table(
        "practical_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["practical_assessment.id"], name=op.f("fk_practical_submission_assessment_id_practical_assessment"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["lti_user.id"], name=op.f("fk_practical_submission_submitted_by_id_lti_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practical_submission")),
        sa.UniqueConstraint("uuid", name=op.f("uq_practical_submission_uuid")),
    )
    with op.batch_alter_table("practical_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practical_submission_assessment_id"), ["assessment_id"], unique=False)

    op.create_table(
        "practical_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["practical_assessment.id"], name=op.f("fk_practical_evidence_assessment_id_practical_assessment"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["lti_user.id"], name=op.f("fk_practical_evidence_uploaded_by_id_lti_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practical_evidence")),
        sa.UniqueConstraint("uid", name=op.f("uq_practical_evidence_uid")),
    )
    with op.batch_alter_table("practical_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practical_evidence_assessment_id"), ["assessment_id"], unique=False)

    op.create_table(
        "practical_roster_sync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("finished_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"], name=op.f("fk_practical_roster_sync_context_id_lti_context"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["lti_user.id"], name=op.f("fk_practical_roster_sync_requested_by_id_lti_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practical_roster_sync")),
    )
    with op.batch_alter_table("practical_roster_sync", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practical_roster_sync_context_id"), ["context_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practical_roster_sync_status"), ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("practical_roster_sync")
    op.drop_table("practical_evidence")
    op.drop_table("practical_submission")
    op.drop_table("practical_revision")
    op.drop_table("practical_assessment")
