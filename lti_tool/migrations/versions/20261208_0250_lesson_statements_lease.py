"""a worker's pass claims the statements of lesson progress rows with a lease

As for quiz attempts (20261207_0240): the pass claims the lesson rows whose statements
it builds (``statements_lease``) in a transaction of its own, then builds them without
holding their row locks, so a learner reading a lesson never waits for it. Existing
rows hold no claim.

Revision ID: 20261208_0250
Revises: 20261207_0240
Create Date: 2026-12-08 00:00:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261208_0250"
down_revision = "20261207_0240"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learning_lesson_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statements_lease", lti_tool.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learning_lesson_progress", schema=None) as batch_op:
        batch_op.drop_column("statements_lease")
