"""Live handover (issue 12): handovers, their transcript and events, agent presence, agency closures,
call-back tickets, and bearer tokens for the staff API.

Revision ID: 0011_handover
Revises: 0010_case_access_grants
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_handover"
down_revision = "0010_case_access_grants"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient_hash", sa.String(length=64), nullable=False),
        sa.Column("recipient_enc", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("intent", sa.String(length=80), nullable=True),
        sa.Column("service_id", sa.String(length=80), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("first_reply_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("resolution", sa.String(length=40), nullable=True),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("csat_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["staff_users.id"],
            name=op.f("fk_handovers_agent_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    op.create_index("ix_handovers_agent_id", "handovers", ["agent_id"], unique=False)
    op.create_index(
        "ix_handovers_conversation", "handovers", ["channel", "recipient_hash", "status"], unique=False
    )
    op.create_index("ix_handovers_queue", "handovers", ["agency_id", "status", "requested_at"], unique=False)

    op.create_table(
        "handover_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=8), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("media_ref", sa.String(length=200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("delivery_state", sa.String(length=12), nullable=True),
        sa.Column("idempotency_key", sa.String(length=36), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claim_until", TS, nullable=True),
        sa.Column("delivered_at", TS, nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handovers.id"],
            name=op.f("fk_handover_messages_handover_id_handovers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name=op.f("fk_handover_messages_staff_user_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_handover_messages_idempotency_key")),
    )
    op.create_index("ix_handover_messages_handover_id", "handover_messages", ["handover_id"], unique=False)
    op.create_index(
        "ix_handover_messages_due", "handover_messages", ["delivery_state", "next_attempt_at"], unique=False
    )

    op.create_table(
        "handover_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handovers.id"],
            name=op.f("fk_handover_events_handover_id_handovers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_events")),
    )
    op.create_index("ix_handover_events_handover_id", "handover_events", ["handover_id"], unique=False)
    op.create_index("ix_handover_events_at", "handover_events", ["at"], unique=False)

    op.create_table(
        "agent_presence",
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name=op.f("fk_agent_presence_staff_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_user_id", name=op.f("pk_agent_presence")),
    )

    op.create_table(
        "agency_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_closures")),
    )
    op.create_index("ix_agency_closures_agency_id", "agency_closures", ["agency_id"], unique=False)

    op.create_table(
        "callback_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient_hash", sa.String(length=64), nullable=False),
        sa.Column("phone_enc", sa.Text(), nullable=False),
        sa.Column("phone_last4", sa.String(length=4), nullable=False),
        sa.Column("service_id", sa.String(length=80), nullable=True),
        sa.Column("consent_wording", sa.Text(), nullable=False),
        sa.Column("consent_at", TS, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("done_at", TS, nullable=True),
        sa.Column("done_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handovers.id"],
            name=op.f("fk_callback_tickets_handover_id_handovers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_tickets")),
    )
    op.create_index("ix_callback_tickets_handover_id", "callback_tickets", ["handover_id"], unique=False)
    op.create_index("ix_callback_tickets_agency_id", "callback_tickets", ["agency_id"], unique=False)

    op.create_table(
        "staff_api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_api_tokens_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_api_tokens_token_hash")),
    )
    op.create_index("ix_staff_api_tokens_user_id", "staff_api_tokens", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("staff_api_tokens")
    op.drop_table("callback_tickets")
    op.drop_table("agency_closures")
    op.drop_table("agent_presence")
    op.drop_table("handover_events")
    op.drop_table("handover_messages")
    op.drop_table("handovers")
