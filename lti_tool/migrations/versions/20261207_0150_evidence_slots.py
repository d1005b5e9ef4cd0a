"""evidence photos take a numbered slot per criterion

Each photo of a criterion holds one slot number, unique per (assessment, criterion):
parallel uploads to the last free slot store one photo, not one each. Existing photos
are numbered 1, 2, ... by upload order (a criterion that went over the limit before
keeps all its photos; it takes no new one until some are removed).

Revision ID: 20261207_0150
Revises: 20261207_0100
Create Date: 2026-12-07 03:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20261207_0150"
down_revision = "20261207_0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practical_evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slot", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE practical_evidence SET slot = (SELECT count(*) FROM practical_evidence AS earlier"
        " WHERE earlier.assessment_id = practical_evidence.assessment_id"
        " AND earlier.criterion_id = practical_evidence.criterion_id AND earlier.id <= practical_evidence.id)"
    )
    with op.batch_alter_table("practical_evidence", schema=None) as batch_op:
        batch_op.alter_column("slot", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_practical_evidence_assessment_id_criterion_id_slot"),
                                          ["assessment_id", "criterion_id", "slot"])


def downgrade() -> None:
    with op.batch_alter_table("practical_evidence", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_practical_evidence_assessment_id_criterion_id_slot"), type_="unique")
        batch_op.drop_column("slot")
