"""training files, employees, certificates, HR tokens and exports, questionnaires

Revision ID: 20261123_0060
Revises: 20261123_0030
Create Date: 2026-11-23 22:00:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261123_0060"
down_revision = "20261123_0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("questionnaire_marker",
    sa.Column("key", sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint("key", name=op.f("pk_questionnaire_marker"))
    )
    op.create_table("employee",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("platform_id", sa.Integer(), nullable=False),
    sa.Column("employee_number", sa.String(length=64), nullable=True),
    sa.Column("name", sa.String(length=255), nullable=False),
    sa.Column("department", sa.String(length=255), nullable=False),
    sa.Column("position", sa.String(length=255), nullable=False),
    sa.Column("hire_date", sa.Date(), nullable=True),
    sa.Column("source", sa.String(length=16), nullable=False),
    sa.Column("updated_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["platform_id"], ["lti_platform.id"], name=op.f("fk_employee_platform_id_lti_platform"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_employee")),
    sa.UniqueConstraint("platform_id", "employee_number", name=op.f("uq_employee_platform_id_employee_number"))
    )
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employee_department"), ["department"], unique=False)

    op.create_table("employee_user",
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("employee_id", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["employee_id"], ["employee.id"], name=op.f("fk_employee_user_employee_id_employee"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["user_id"], ["lti_user.id"], name=op.f("fk_employee_user_user_id_lti_user"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("user_id", name=op.f("pk_employee_user"))
    )
    with op.batch_alter_table("employee_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employee_user_employee_id"), ["employee_id"], unique=False)

    op.create_table("hr_api_token",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("platform_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=255), nullable=False),
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("prefix", sa.String(length=16), nullable=False),
    sa.Column("created_by", sa.Integer(), nullable=True),
    sa.Column("created_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column("last_used_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["created_by"], ["lti_user.id"], name=op.f("fk_hr_api_token_created_by_lti_user"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["platform_id"], ["lti_platform.id"], name=op.f("fk_hr_api_token_platform_id_lti_platform"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_hr_api_token")),
    sa.UniqueConstraint("token_hash", name=op.f("uq_hr_api_token_token_hash"))
    )
    with op.batch_alter_table("hr_api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hr_api_token_platform_id"), ["platform_id"], unique=False)

    op.create_table("hr_export_job",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("platform_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=32), nullable=False),
    sa.Column("filters", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("total", sa.Integer(), nullable=False),
    sa.Column("done", sa.Integer(), nullable=False),
    sa.Column("cursor", sa.Integer(), nullable=False),
    sa.Column("failures", sa.JSON(), nullable=False),
    sa.Column("file_name", sa.String(length=255), nullable=False),
    sa.Column("error", sa.Text(), nullable=False),
    sa.Column("created_by", sa.Integer(), nullable=True),
    sa.Column("created_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column("updated_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column("lease_until", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column("finished_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["created_by"], ["lti_user.id"], name=op.f("fk_hr_export_job_created_by_lti_user"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["platform_id"], ["lti_platform.id"], name=op.f("fk_hr_export_job_platform_id_lti_platform"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_hr_export_job"))
    )
    with op.batch_alter_table("hr_export_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hr_export_job_platform_id"), ["platform_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hr_export_job_status"), ["status"], unique=False)

    op.create_table("certificate",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("platform_id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("context_id", sa.Integer(), nullable=True),
    sa.Column("course_id", sa.String(length=255), nullable=False),
    sa.Column("course_version_id", sa.Integer(), nullable=True),
    sa.Column("number", sa.String(length=32), nullable=False),
    sa.Column("code", sa.String(length=64), nullable=False),
    sa.Column("holder_name", sa.String(length=255), nullable=False),
    sa.Column("employee_number", sa.String(length=64), nullable=False),
    sa.Column("course_title", sa.JSON(), nullable=False),
    sa.Column("hours", sa.Float(), nullable=False),
    sa.Column("score", sa.Float(), nullable=True),
    sa.Column("issued_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column("valid_until", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column("revoked_reason", sa.Text(), nullable=False),
    sa.Column("replaces_id", sa.Integer(), nullable=True),
    sa.Column("basis", sa.JSON(), nullable=False),
    sa.Column("render_attempts", sa.Integer(), nullable=False),
    sa.Column("render_error", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"], name=op.f("fk_certificate_context_id_lti_context"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["platform_id"], ["lti_platform.id"], name=op.f("fk_certificate_platform_id_lti_platform"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["replaces_id"], ["certificate.id"], name=op.f("fk_certificate_replaces_id_certificate"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["user_id"], ["lti_user.id"], name=op.f("fk_certificate_user_id_lti_user"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
    sa.UniqueConstraint("code", name=op.f("uq_certificate_code")),
    sa.UniqueConstraint("number", name=op.f("uq_certificate_number"))
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificate_platform_id"), ["platform_id"], unique=False)
        batch_op.create_index("ix_certificate_user_course", ["user_id", "course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificate_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificate_valid_until"), ["valid_until"], unique=False)

    op.create_table("questionnaire_response",
    sa.Column("id", sa.String(length=32), nullable=False),
    sa.Column("platform_id", sa.Integer(), nullable=False),
    sa.Column("context_id", sa.Integer(), nullable=False),
    sa.Column("course_id", sa.String(length=255), nullable=False),
    sa.Column("content", sa.Integer(), nullable=False),
    sa.Column("method", sa.Integer(), nullable=False),
    sa.Column("trainer", sa.Integer(), nullable=False),
    sa.Column("comment", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["context_id"], ["lti_context.id"], name=op.f("fk_questionnaire_response_context_id_lti_context"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["platform_id"], ["lti_platform.id"], name=op.f("fk_questionnaire_response_platform_id_lti_platform"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_response"))
    )
    with op.batch_alter_table("questionnaire_response", schema=None) as batch_op:
        batch_op.create_index("ix_questionnaire_response_run", ["context_id", "course_id"], unique=False)

    op.create_table("certificate_event",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("certificate_id", sa.Integer(), nullable=False),
    sa.Column("action", sa.String(length=32), nullable=False),
    sa.Column("actor_user_id", sa.Integer(), nullable=True),
    sa.Column("at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column("details", sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(["actor_user_id"], ["lti_user.id"], name=op.f("fk_certificate_event_actor_user_id_lti_user"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"], name=op.f("fk_certificate_event_certificate_id_certificate"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_event"))
    )
    with op.batch_alter_table("certificate_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_event_certificate_id"), ["certificate_id"], unique=False)

    op.create_table("certificate_pdf",
    sa.Column("certificate_id", sa.Integer(), nullable=False),
    sa.Column("data", sa.LargeBinary(), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("rendered_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"], name=op.f("fk_certificate_pdf_certificate_id_certificate"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_certificate_pdf"))
    )


def downgrade() -> None:
    for table in ("certificate_pdf", "certificate_event", "questionnaire_response", "certificate", "hr_export_job",
                  "hr_api_token", "employee_user", "employee", "questionnaire_marker"):
        op.drop_table(table)
