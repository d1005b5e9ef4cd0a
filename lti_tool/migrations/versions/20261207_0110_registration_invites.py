"""registration invitations: Dynamic Registration only with an operator's one-time URL

Only the SHA-256 of each token is stored. Nothing to backfill: until now anyone
could register, from now on an invitation is needed.

Revision ID: 20261207_0110
Revises: 20261207_0100
Create Date: 2026-12-07 03:00:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261207_0110"
down_revision = "20261207_0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lti_registration_invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("expires_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_by_platform_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("trust_identity", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("expected_issuer", sa.String(length=255), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_lti_registration_invite_organisation_id_organisation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["used_by_platform_id"], ["lti_platform.id"],
                                name=op.f("fk_lti_registration_invite_used_by_platform_id_lti_platform"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_registration_invite")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_lti_registration_invite_token_hash")),
    )
    with op.batch_alter_table("lti_registration_invite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_registration_invite_organisation_id"), ["organisation_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lti_registration_invite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_registration_invite_organisation_id"))
    op.drop_table("lti_registration_invite")
