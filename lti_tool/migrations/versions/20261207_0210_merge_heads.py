"""one line of migrations again: invitations, organisation HR roles, session idle and
window binding, xAPI credentials and lesson statements were written side by side

No schema change: the revisions below touch different tables.

Revision ID: 20261207_0210
Revises: 20261207_0110, 20261207_0170, 20261207_0180, 20261207_0190, 20261207_0200
Create Date: 2026-12-07 15:30:00
"""

revision = "20261207_0210"
down_revision = ("20261207_0110", "20261207_0170", "20261207_0180", "20261207_0190", "20261207_0200")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
