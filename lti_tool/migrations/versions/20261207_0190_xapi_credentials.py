"""xAPI store credentials per organisation; statements know their organisation;
failed authentications counted per client address

``xapi_statement.organisation_id`` and ``xapi_outbox.organisation_id`` are filled from
the statement's actor: every statement the tool records has an LTI account as its actor
(``account.homePage`` = the platform's issuer, ``account.name`` = the user's ``sub``), so
its organisation is the one of the platforms with that issuer. When platforms of two
organisations share an issuer (one LMS serving two companies) the user is looked up
(issuer and sub) instead; only when that too is ambiguous, or the actor is no account,
the statement stays NULL: no credential reads it (it is still delivered to the LRS
targets).

Revision ID: 20261207_0190
Revises: 20261207_0150
Create Date: 2026-12-07 07:40:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261207_0190"
down_revision = "20261207_0150"
branch_labels = None
depends_on = None

_OF_ACTOR = (
    "(SELECT min(p.organisation_id) FROM lti_platform AS p"
    " WHERE substr(xapi_statement.actor_key, 1, length(p.issuer) + 9) = 'account|' || p.issuer || '|'"
    " HAVING count(DISTINCT p.organisation_id) = 1)"
)
_OF_USER = (
    "(SELECT min(p.organisation_id) FROM lti_user AS u JOIN lti_platform AS p ON p.id = u.platform_id"
    " WHERE xapi_statement.actor_key = 'account|' || p.issuer || '|' || u.sub"
    " HAVING count(DISTINCT p.organisation_id) = 1)"
)


def upgrade() -> None:
    op.create_table(
        "xapi_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["lti_user.id"], name=op.f("fk_xapi_credential_created_by_lti_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_xapi_credential_organisation_id_organisation"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_credential")),
        sa.UniqueConstraint("key", name=op.f("uq_xapi_credential_key")),
    )
    op.create_index(op.f("ix_xapi_credential_organisation_id"), "xapi_credential", ["organisation_id"])
    op.create_table(
        "auth_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_failure")),
    )
    op.create_index("ix_auth_failure_scope_address_at", "auth_failure", ["scope", "address", "at"])
    with op.batch_alter_table("xapi_statement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_xapi_statement_organisation_seq", ["organisation_id", "seq"])
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE xapi_statement SET organisation_id = {_OF_ACTOR}")
    op.execute(f"UPDATE xapi_statement SET organisation_id = {_OF_USER} WHERE organisation_id IS NULL")
    op.execute("UPDATE xapi_outbox SET organisation_id ="
               " (SELECT s.organisation_id FROM xapi_statement AS s WHERE s.seq = xapi_outbox.seq)")


def downgrade() -> None:
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.drop_column("organisation_id")
    with op.batch_alter_table("xapi_statement", schema=None) as batch_op:
        batch_op.drop_index("ix_xapi_statement_organisation_seq")
        batch_op.drop_column("organisation_id")
    op.drop_index("ix_auth_failure_scope_address_at", table_name="auth_failure")
    op.drop_table("auth_failure")
    op.drop_index(op.f("ix_xapi_credential_organisation_id"), table_name="xapi_credential")
    op.drop_table("xapi_credential")
