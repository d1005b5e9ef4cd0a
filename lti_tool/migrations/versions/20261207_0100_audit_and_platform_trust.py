"""the audit log, and platforms as trusted identity sources

Every platform that exists now is trusted (its accounts already join employees by
employee number, as before); a platform registered from now on is not, unless the
operator says so.

Revision ID: 20261207_0100
Revises: 20261123_0090
Create Date: 2026-12-07 02:40:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261207_0100"
down_revision = "20261123_0090"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_user_id"], ["lti_user.id"], name=op.f("fk_audit_event_actor_user_id_lti_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_audit_event_organisation_id_organisation"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_organisation_at", ["organisation_id", "at"], unique=False)

    with op.batch_alter_table("lti_platform", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity_trusted", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    op.execute("UPDATE lti_platform SET identity_trusted = true")


def downgrade() -> None:
    with op.batch_alter_table("lti_platform", schema=None) as batch_op:
        batch_op.drop_column("identity_trusted")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_organisation_at")
    op.drop_table("audit_event")
