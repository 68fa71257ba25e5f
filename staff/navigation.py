"""Sections of the console, as a registry: a new feature (cases, issue 5) adds one entry and its routes.

The base template draws the menu from this dict, showing each signed-in user only what their role may use.
"""

from __future__ import annotations

from dataclasses import dataclass

from staff.roles import Permission


@dataclass(frozen=True, slots=True)
class Section:
    title_th: str
    route_name: str  # the aiohttp route the menu entry links to
    permission: Permission


SECTIONS: dict[str, Section] = {
    "services": Section("บริการ", "services.list", Permission.VIEW),
    "cases": Section("เรื่องร้องเรียนและคำขอ", "cases.list", Permission.VIEW_CASES),
    "inbox": Section("กล่องสนทนา", "inbox.page", Permission.VIEW_HANDOVERS),
    "callbacks": Section("โทรกลับ", "callbacks.page", Permission.VIEW_HANDOVERS),
    "stats": Section("สถิติ", "dashboard.page", Permission.VIEW_STATS),
    "review": Section("สอนบอท", "review.page", Permission.EDIT),
    "transfer": Section("นำเข้า / ส่งออก", "transfer.page", Permission.VIEW),
    "users": Section("ผู้ใช้งาน", "users.list", Permission.MANAGE_USERS),
    "audit": Section("บันทึกการใช้งาน", "audit.list", Permission.VIEW_AUDIT),
}
