"""plan delivery: a classroom session links to the training plan item it delivers

One nullable column (and its index) on class_session.

Revision ID: 20261208_0330
Revises: 20261208_0320
Create Date: 2026-12-08 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20261208_0330"
down_revision = "20261208_0320"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_item_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_class_session_plan_item_id"), ["plan_item_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_class_session_plan_item_id_plan_item"), "plan_item",
                                    ["plan_item_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_class_session_plan_item_id_plan_item"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_class_session_plan_item_id"))
        batch_op.drop_column("plan_item_id")
