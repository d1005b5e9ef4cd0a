"""indexes for hot paths: the questionnaire drainer's claim, HR certificate filters

Revision ID: 20261123_0080
Revises: 20261123_0061
Create Date: 2026-11-23 23:30:00
"""

from alembic import op

revision = "20261123_0080"
down_revision = "20261123_0061"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_questionnaire_pending_run"), "questionnaire_pending", ["context_id", "course_id"])
    op.create_index(op.f("ix_certificate_platform_course_issued"), "certificate",
                    ["platform_id", "course_id", "issued_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_certificate_platform_course_issued"), table_name="certificate")
    op.drop_index(op.f("ix_questionnaire_pending_run"), table_name="questionnaire_pending")
