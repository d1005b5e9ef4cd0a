"""merge the learning, practical and sessions, and records branches

Revision ID: 20261123_0070
Revises: 20261123_0040, 20261123_0051, 20261123_0060
Create Date: 2026-11-23 22:05:00
"""

revision = "20261123_0070"
down_revision = ("20261123_0040", "20261123_0051", "20261123_0060")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
