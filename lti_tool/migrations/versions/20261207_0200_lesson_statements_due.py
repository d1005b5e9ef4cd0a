"""lesson progress owes its xAPI statements to the worker

A lesson opened or read to a new milestone writes the events on its progress row
(``due_events``, flagged by ``statements_due``) in the request's own write; the worker
builds and records the statements from them. Existing rows owe nothing.

Revision ID: 20261207_0200
Revises: 20261207_0150
Create Date: 2026-12-07 13:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20261207_0200"
down_revision = "20261207_0150"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learning_lesson_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statements_due", sa.Boolean(), nullable=False, server_default=sa.text("false")))
        batch_op.add_column(sa.Column("due_events", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_learning_lesson_progress_statements_due"), ["statements_due"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("learning_lesson_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_lesson_progress_statements_due"))
        batch_op.drop_column("due_events")
        batch_op.drop_column("statements_due")
