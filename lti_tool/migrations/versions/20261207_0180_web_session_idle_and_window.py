"""web sessions idle out, and a cookieless session is bound to its window

``last_seen_at``: the last request of the session (written at most once a minute); a
session idle for ``session_idle_minutes`` is no longer read. Existing sessions count as
seen at the upgrade. ``window_hash``: the hash of the secret a session carried without
cookies shares with the browser window it was given to; empty for a cookie session.

Revision ID: 20261207_0180
Revises: 20261207_0150
Create Date: 2026-12-07 13:30:00
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261207_0180"
down_revision = "20261207_0150"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", lti_tool.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("window_hash", sa.String(length=64), nullable=True))
    now = sa.bindparam("now", datetime.now(timezone.utc), type_=lti_tool.db.UTCDateTime(timezone=True))
    op.get_bind().execute(sa.text("UPDATE web_session SET last_seen_at = :now").bindparams(now))
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.alter_column("last_seen_at", existing_type=lti_tool.db.UTCDateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_column("window_hash")
        batch_op.drop_column("last_seen_at")
