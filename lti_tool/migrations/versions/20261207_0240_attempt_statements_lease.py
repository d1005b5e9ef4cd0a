"""a worker's pass claims the statements of quiz attempts with a lease

The pass claims the attempts whose statements it builds (``statements_lease``) in a
transaction of its own, then builds them without holding the attempts' row locks, so
a learner's submit never waits for it. Existing rows hold no claim.

Revision ID: 20261207_0240
Revises: 20261207_0210
Create Date: 2026-12-07 21:20:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261207_0240"
down_revision = "20261207_0210"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learning_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statements_lease", lti_tool.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learning_attempt", schema=None) as batch_op:
        batch_op.drop_column("statements_lease")
