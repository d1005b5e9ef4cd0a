"""organisations say which LTI roles grant HR and in which time zone HR reads times;
HR links LMS accounts to employees

``hr_roles`` NULL keeps the built-in mapping (institution or system Administrator,
plus ``AFTERSALES_HR_ROLES``), so existing organisations keep working; a list is the
organisation's own choice (``organisation hr-roles``). ``timezone`` is where the
audit log and HR pages show times. ``employee_user.linked_by`` says whether the tool
linked an account (``auto``: by employee number on a trusted platform, or a person of
its own) or HR did (``hr``); existing links are the tool's.

Revision ID: 20261207_0170
Revises: 20261207_0150
Create Date: 2026-12-07 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20261207_0170"
down_revision = "20261207_0150"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hr_roles", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), server_default="Asia/Shanghai",
                                      nullable=False))
    with op.batch_alter_table("employee_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("linked_by", sa.String(length=8), server_default="auto", nullable=False))
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_organisation_action_at", ["organisation_id", "action", "at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_organisation_action_at")
    with op.batch_alter_table("employee_user", schema=None) as batch_op:
        batch_op.drop_column("linked_by")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("timezone")
        batch_op.drop_column("hr_roles")
