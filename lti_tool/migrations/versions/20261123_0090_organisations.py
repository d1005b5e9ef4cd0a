"""organisations (tenants): platforms belong to one; employees, HR API tokens and
export jobs move from the platform to its organisation

Every existing platform goes into the organisation ``default``; employees with the
same employee number on several platforms become one employee (the roster's first,
else the oldest), with every LMS account linked to it.

Revision ID: 20261123_0090
Revises: 20261123_0080
Create Date: 2026-11-24 00:10:00
"""

import sqlalchemy as sa
from alembic import op

import lti_tool.db

revision = "20261123_0090"
down_revision = "20261123_0080"
branch_labels = None
depends_on = None

FIELDS = ("name", "department", "position", "hire_date")


def merge_employees(connection) -> int:
    """One employee per (organisation, employee number): the others' LMS accounts are
    linked to the kept one, their empty details filled from the others, then deleted.
    Returns how many employees were merged away."""
    rows = connection.execute(sa.text(
        "SELECT id, organisation_id, employee_number, source, name, department, position, hire_date FROM employee "
        "WHERE employee_number IS NOT NULL ORDER BY organisation_id, employee_number, "
        "CASE WHEN source = 'roster' THEN 0 ELSE 1 END, id")).mappings().all()
    groups: dict = {}
    for row in rows:
        groups.setdefault((row["organisation_id"], row["employee_number"]), []).append(row)
    merged = 0
    for keep, *others in groups.values():
        if not others:
            continue
        filled = {f: keep[f] for f in FIELDS}
        for other in others:
            for f in FIELDS:
                if not filled[f] and other[f]:
                    filled[f] = other[f]
            connection.execute(sa.text("UPDATE employee_user SET employee_id = :keep WHERE employee_id = :other"),
                               {"keep": keep["id"], "other": other["id"]})
            connection.execute(sa.text("DELETE FROM employee WHERE id = :other"), {"other": other["id"]})
            merged += 1
        connection.execute(sa.text("UPDATE employee SET name = :name, department = :department, position = :position, "
                                   "hire_date = :hire_date WHERE id = :id"), {**filled, "id": keep["id"]})
    return merged


def _from_platform(table: str) -> None:
    op.execute(f"UPDATE {table} SET organisation_id = (SELECT organisation_id FROM lti_platform "
               f"WHERE lti_platform.id = {table}.platform_id)")


def upgrade() -> None:
    op.create_table("organisation",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=64), nullable=False),
    sa.Column("name", sa.String(length=255), nullable=False),
    sa.Column("created_at", lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    sa.UniqueConstraint("slug", name=op.f("uq_organisation_slug"))
    )
    organisation = sa.table("organisation", sa.column("slug", sa.String), sa.column("name", sa.String),
                            sa.column("created_at", lti_tool.db.UTCDateTime(timezone=True)))
    op.bulk_insert(organisation, [{"slug": "default", "name": "Default", "created_at": lti_tool.db.utcnow()}])

    with op.batch_alter_table("lti_platform", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
    op.execute("UPDATE lti_platform SET organisation_id = (SELECT id FROM organisation WHERE slug = 'default')")
    with op.batch_alter_table("lti_platform", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_lti_platform_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_lti_platform_organisation_id_organisation"), "organisation",
                                    ["organisation_id"], ["id"])

    for table in ("employee", "hr_api_token", "hr_export_job"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        _from_platform(table)
    merge_employees(op.get_bind())

    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_employee_platform_id_employee_number"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_employee_platform_id_lti_platform"), type_="foreignkey")
        batch_op.drop_column("platform_id")
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_employee_organisation_id_employee_number"),
                                          ["organisation_id", "employee_number"])
        batch_op.create_foreign_key(batch_op.f("fk_employee_organisation_id_organisation"), "organisation",
                                    ["organisation_id"], ["id"], ondelete="CASCADE")
    for table in ("hr_api_token", "hr_export_job"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_platform_id"))
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_platform_id_lti_platform"), type_="foreignkey")
            batch_op.drop_column("platform_id")
            batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f"ix_{table}_organisation_id"), ["organisation_id"], unique=False)
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_organisation_id_organisation"), "organisation",
                                        ["organisation_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    """Back to one tenant per platform: each row goes to the first platform of its
    organisation (an employee: the platform of one of its LMS accounts)."""
    first = "(SELECT MIN(id) FROM lti_platform WHERE lti_platform.organisation_id = {t}.organisation_id)"
    for table in ("hr_api_token", "hr_export_job", "employee"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("platform_id", sa.Integer(), nullable=True))
    op.execute("UPDATE employee SET platform_id = (SELECT MIN(lti_user.platform_id) FROM employee_user "
               "JOIN lti_user ON lti_user.id = employee_user.user_id WHERE employee_user.employee_id = employee.id)")
    for table in ("hr_api_token", "hr_export_job", "employee"):
        op.execute(f"UPDATE {table} SET platform_id = {first.format(t=table)} WHERE platform_id IS NULL")
        op.execute(f"DELETE FROM {table} WHERE platform_id IS NULL")
    for table in ("hr_api_token", "hr_export_job"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_organisation_id_organisation"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_organisation_id"))
            batch_op.drop_column("organisation_id")
            batch_op.alter_column("platform_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f"ix_{table}_platform_id"), ["platform_id"], unique=False)
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_platform_id_lti_platform"), "lti_platform",
                                        ["platform_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_employee_organisation_id_organisation"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_employee_organisation_id_employee_number"), type_="unique")
        batch_op.drop_column("organisation_id")
        batch_op.alter_column("platform_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_employee_platform_id_employee_number"),
                                          ["platform_id", "employee_number"])
        batch_op.create_foreign_key(batch_op.f("fk_employee_platform_id_lti_platform"), "lti_platform",
                                    ["platform_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("lti_platform", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_lti_platform_organisation_id_organisation"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_lti_platform_organisation_id"))
        batch_op.drop_column("organisation_id")
    op.drop_table("organisation")
