"""Knowledge base: services (working copy), every saved version as a JSON snapshot, revision counter.

Revision ID: 0002_knowledge
Revises: 0001_unanswered
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002_knowledge"
down_revision = "0001_unanswered"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_services",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("title_th", sa.String(300), nullable=False),
        sa.Column("title_en", sa.String(300), nullable=False),
        sa.Column("agency", sa.String(300), nullable=False),
        sa.Column("agency_level", sa.String(20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("eligibility", sa.Text(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("fees", sa.JSON(), nullable=False),
        sa.Column("processing_time", sa.Text(), nullable=False),
        sa.Column("processing_time_to_confirm", sa.Boolean(), nullable=False),
        sa.Column("where_to_apply", sa.JSON(), nullable=False),
        sa.Column("office_hours", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("faqs", sa.JSON(), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_services")),
    )
    op.create_index(op.f("ix_kb_services_status"), "kb_services", ["status"])
    op.create_table(
        "kb_service_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("change_note", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(120), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["kb_services.id"],
            name=op.f("fk_kb_service_versions_service_id_kb_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_service_versions")),
        sa.UniqueConstraint("service_id", "version", name="uq_kb_service_versions_service_version"),
    )
    op.create_index(op.f("ix_kb_service_versions_service_id"), "kb_service_versions", ["service_id"])
    revision_table = op.create_table(
        "kb_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_revision")),
    )
    op.bulk_insert(revision_table, [{"id": 1, "revision": 0, "changed_at": dt.datetime.now(dt.UTC)}])


def downgrade() -> None:
    op.drop_table("kb_revision")
    op.drop_index(op.f("ix_kb_service_versions_service_id"), table_name="kb_service_versions")
    op.drop_table("kb_service_versions")
    op.drop_index(op.f("ix_kb_services_status"), table_name="kb_services")
    op.drop_table("kb_services")
