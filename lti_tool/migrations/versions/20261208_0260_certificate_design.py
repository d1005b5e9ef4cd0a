"""per-organisation certificate design: company name, logo, signatories, seal, colours

An organisation's design (``course_id`` "") and per-course overrides, the images HR
uploaded for them (kept, never changed: issued certificates name them), and on each
certificate the design as it stood at issue. Existing certificates hold none and keep
the product's default look.

Revision ID: 20261208_0260
Revises: 20261208_0250
Create Date: 2026-12-08 00:20:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261208_0260"
down_revision = "20261208_0250"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_certificate_image_organisation_id_organisation"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_image")),
        sa.UniqueConstraint("organisation_id", "sha256", name=op.f("uq_certificate_image_organisation_id_sha256")),
    )
    with op.batch_alter_table("certificate_image", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_image_organisation_id"), ["organisation_id"], unique=False)
    image = "certificate_image.id"
    op.create_table(
        "certificate_design",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=255), nullable=False),
        sa.Column("company_name_zh", sa.String(length=120), nullable=True),
        sa.Column("company_name_en", sa.String(length=120), nullable=True),
        sa.Column("logo_image_id", sa.Integer(), nullable=True),
        sa.Column("seal_image_id", sa.Integer(), nullable=True),
        sa.Column("signatory1_name", sa.String(length=60), nullable=True),
        sa.Column("signatory1_title", sa.String(length=80), nullable=True),
        sa.Column("signatory1_image_id", sa.Integer(), nullable=True),
        sa.Column("signatory2_name", sa.String(length=60), nullable=True),
        sa.Column("signatory2_title", sa.String(length=80), nullable=True),
        sa.Column("signatory2_image_id", sa.Integer(), nullable=True),
        sa.Column("primary_colour", sa.String(length=7), nullable=True),
        sa.Column("accent_colour", sa.String(length=7), nullable=True),
        sa.Column("updated_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_certificate_design_organisation_id_organisation"), ondelete="CASCADE"),
        *[sa.ForeignKeyConstraint([column], [image], name=op.f(f"fk_certificate_design_{column}_certificate_image"),
                                  ondelete="SET NULL")
          for column in ("logo_image_id", "seal_image_id", "signatory1_image_id", "signatory2_image_id")],
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_design")),
        sa.UniqueConstraint("organisation_id", "course_id", name=op.f("uq_certificate_design_organisation_id_course_id")),
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("design", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_column("design")
    op.drop_table("certificate_design")
    with op.batch_alter_table("certificate_image", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_image_organisation_id"))
    op.drop_table("certificate_image")
