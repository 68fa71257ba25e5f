"""Who may do what in the console: one explicit table, checked by every handler that changes state."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    CASE_OFFICER = "case_officer"  # handles their agency's cases; reads the knowledge base
    AGENT = "agent"  # answers citizens handed over to their agency (live handover, issue 12)


class Permission(StrEnum):
    VIEW = "view"  # read records, history, diffs, previews
    EDIT = "edit"  # create and change drafts, import
    PUBLISH = "publish"  # publish and unpublish
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    VIEW_CASES = "view_cases"  # list and read the own agency's cases (masked contact data)
    UPDATE_CASES = "update_cases"  # change a case's status, which notifies the citizen
    VIEW_HANDOVERS = "view_handovers"  # the inbox and transcripts of the own agency (admins: every agency)
    ACT_HANDOVERS = "act_handovers"  # claim, reply, note, transfer, close; set one's presence
    VIEW_STATS = "view_stats"  # the statistics page: the own agency's figures (admins, reviewers: all)


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.EDITOR: frozenset({Permission.VIEW, Permission.EDIT}),
    Role.REVIEWER: frozenset({Permission.VIEW, Permission.EDIT, Permission.PUBLISH, Permission.VIEW_STATS}),
    Role.ADMIN: frozenset(Permission),
    Role.CASE_OFFICER: frozenset(
        {Permission.VIEW, Permission.VIEW_CASES, Permission.UPDATE_CASES, Permission.VIEW_STATS}
    ),
    # Reads the knowledge base too: the canned answers and the service asked about come from it.
    Role.AGENT: frozenset(
        {Permission.VIEW, Permission.VIEW_HANDOVERS, Permission.ACT_HANDOVERS, Permission.VIEW_STATS}
    ),
}

ROLE_LABELS_TH: dict[Role, str] = {
    Role.EDITOR: "ผู้แก้ไข (ร่างเนื้อหา)",
    Role.REVIEWER: "ผู้ตรวจทาน (เผยแพร่)",
    Role.ADMIN: "ผู้ดูแลระบบ",
    Role.CASE_OFFICER: "เจ้าหน้าที่ดูแลเรื่องร้องเรียนและคำขอ",
    Role.AGENT: "เจ้าหน้าที่ตอบแชต (รับเรื่องต่อจากบอท)",
}


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValueError(f"unknown role {value!r}") from None


def allows(role: str, permission: Permission) -> bool:
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False  # a role string from the database that this code no longer knows grants nothing
