"""Request builders shared by the case tests."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

BANGKOK_CITY_HALL = {"lat": 13.7525, "lon": 100.5016, "address": "ถนนดินสอ แขวงเสาชิงช้า เขตพระนคร"}
CONSENT = {
    "wording": "ยินยอมให้หน่วยงานติดต่อกลับและส่งความคืบหน้าเรื่องนี้ทาง LINE/SMS",
    "given_at": "2026-11-25T10:00:00Z",
}
LINE_USER = "line:U4af4980629a1b2c3d4e5f60718293a4b"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def tiny_png() -> bytes:
    """A real 1x1 PNG (signature, IHDR, IDAT, IEND with CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def application_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "application",
        "service_id": "id_card_renew",
        "contacts": [{"channel": "line", "sender_id": LINE_USER, "phone": "081-234-5678", "notify": True}],
        "consent": CONSENT,
        "actor": "เจ้าหน้าที่ทะเบียน 12",
    }
    body.update(extra)
    return body


def complaint_body(**complaint: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "category": "ไฟฟ้าส่องสว่าง",
        "description": "ไฟถนนดับทั้งซอยมา 3 คืนแล้วครับ มืดมาก",
        "location": BANGKOK_CITY_HALL,
        "photos": [{"content_type": "image/png", "data_base64": b64(tiny_png())}],
    }
    details.update(complaint)
    return {
        "kind": "complaint",
        "service_id": "street_light",
        "contacts": [{"channel": "sms", "phone": "+66 89 765 4321", "notify": True}],
        "consent": CONSENT,
        "complaint": details,
    }


def status_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": "in_progress",
        "actor": "officer-17",
        "public_note": "เจ้าหน้าที่รับเรื่องแล้ว กำลังตรวจสอบเอกสาร",
        "next_step": "นัดรับบัตรที่สำนักงานเขต",
        "next_step_due": "2026-12-05",
    }
    body.update(extra)
    return body
