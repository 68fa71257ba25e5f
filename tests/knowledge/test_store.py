"""The repository API on both real databases: drafts, versions, publishing, history, imports."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from knowledge.record import FAQ, Fee, RecordError, ServiceRecord, WhereToApply
from knowledge.store import ConflictError, KnowledgeStore, NotFoundError

THAI_TITLE = "ทำหนังสือเดินทาง (พาสปอร์ต) ทดสอบ ๑๒๓"


def record(**changes: object) -> ServiceRecord:
    base = ServiceRecord(
        id="passport_new",
        title_th=THAI_TITLE,
        title_en="Passport",
        agency="กรมการกงสุล",
        agency_level="central",
        description="ขอหนังสือเดินทางได้ที่กรมการกงสุล",
        eligibility="คนไทยทุกช่วงอายุ",
        documents=("บัตรประจำตัวประชาชน",),
        fees=(Fee("เล่ม 5 ปี", "1,000 บาท"), Fee("เล่ม 10 ปี", "1,500 บาท", to_confirm=True)),
        processing_time="3-5 วันทำการ",
        where_to_apply=WhereToApply(("กรมการกงสุล",), "https://www.passport.in.th", "จองคิวออนไลน์"),
        faqs=(FAQ("ต้องจองคิวไหม", "ควรจองคิวล่วงหน้า"),),
        synonyms=("พาสปอร์ต",),
        last_reviewed=dt.date(2026, 11, 25),
        source="ทดสอบ",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_save_draft_versions_only_on_change_and_reads_thai_back(kb_store: KnowledgeStore) -> None:
    first = kb_store.save_draft(record(), author="editor1", note="สร้าง")
    assert first.changed and first.record.version == 1 and first.record.status == "draft"
    again = kb_store.save_draft(record(), author="editor1")
    assert not again.changed and again.record.version == 1
    second = kb_store.save_draft(record(processing_time="7 วัน"), author="editor2", note="แก้เวลา")
    assert second.record.version == 2
    got = kb_store.get("passport_new")
    assert got is not None
    assert got.title_th == THAI_TITLE and got.processing_time == "7 วัน"
    assert got.fees[1] == Fee("เล่ม 10 ปี", "1,500 บาท", to_confirm=True)
    assert got.last_reviewed == dt.date(2026, 11, 25)
    summary = kb_store.list_services()[0]
    assert (summary.id, summary.version, summary.status, summary.updated_by) == (
        "passport_new",
        2,
        "draft",
        "editor2",
    )


def test_draft_never_reaches_citizens_until_published(kb_store: KnowledgeStore) -> None:
    kb_store.save_draft(record(), author="editor1")
    assert kb_store.get_published("passport_new") is None and kb_store.list_published() == []
    before = kb_store.revision().number
    live = kb_store.publish("passport_new", author="reviewer1")
    assert live.status == "published" and live.version == 1
    assert kb_store.revision().number == before + 1
    kb_store.save_draft(record(processing_time="1 วัน"), author="editor1")
    # The reviewer has not published version 2: citizens still see version 1.
    published = kb_store.get_published("passport_new")
    assert published is not None and published.processing_time == "3-5 วันทำการ" and published.version == 1
    assert kb_store.get("passport_new").status == "draft"  # type: ignore[union-attr]
    assert kb_store.list_services(status="draft")[0].published_version == 1
    kb_store.publish("passport_new", author="reviewer1")
    assert kb_store.get_published("passport_new").processing_time == "1 วัน"  # type: ignore[union-attr]
    assert kb_store.list_services(status="published")[0].version == 2


def test_unpublish_and_rollback_to_an_older_version(kb_store: KnowledgeStore) -> None:
    kb_store.save_draft(record(), author="e")
    kb_store.publish("passport_new", author="r")
    kb_store.save_draft(record(title_en="Passport v2"), author="e")
    kb_store.publish("passport_new", author="r")
    rolled = kb_store.publish("passport_new", author="r", version=1)
    assert rolled.version == 1 and rolled.title_en == "Passport"
    assert kb_store.get("passport_new").status == "draft"  # type: ignore[union-attr]  # latest (v2) not live
    revision = kb_store.revision().number
    kb_store.unpublish("passport_new", author="r")
    assert kb_store.get_published("passport_new") is None
    assert kb_store.revision().number == revision + 1
    assert kb_store.get("passport_new") is not None  # the working copy stays for staff


def test_history_has_full_snapshots_with_who_when_and_note(kb_store: KnowledgeStore) -> None:
    kb_store.save_draft(record(), author="editor1", note="สร้างใหม่")
    kb_store.publish("passport_new", author="reviewer1")
    kb_store.save_draft(record(documents=("บัตรประชาชน", "สูติบัตร")), author="editor2", note="เพิ่มเอกสาร")
    history = kb_store.history("passport_new")
    assert [h.version for h in history] == [2, 1]
    newest, oldest = history
    assert newest.created_by == "editor2" and newest.change_note == "เพิ่มเอกสาร" and not newest.is_live
    assert newest.record.documents == ("บัตรประชาชน", "สูติบัตร")
    assert oldest.is_live and oldest.published_by == "reviewer1" and oldest.published_at is not None
    assert oldest.record.documents == ("บัตรประจำตัวประชาชน",)
    assert oldest.created_at.tzinfo is not None and oldest.created_at <= newest.created_at
    entry = kb_store.get_version("passport_new", 1)
    assert entry is not None and entry.record.title_th == THAI_TITLE
    assert kb_store.get_version("passport_new", 9) is None


def test_conflicting_edit_is_refused(kb_store: KnowledgeStore) -> None:
    kb_store.save_draft(record(), author="a")
    kb_store.save_draft(record(title_en="by b"), author="b", expected_version=1)
    with pytest.raises(ConflictError):
        kb_store.save_draft(record(title_en="by a, stale"), author="a", expected_version=1)
    assert kb_store.get("passport_new").title_en == "by b"  # type: ignore[union-attr]


def test_unknown_ids_raise_not_found(kb_store: KnowledgeStore) -> None:
    assert kb_store.get("nope") is None and kb_store.get_published("nope") is None
    for call in (
        lambda: kb_store.publish("nope", author="r"),
        lambda: kb_store.unpublish("nope", author="r"),
        lambda: kb_store.history("nope"),
    ):
        with pytest.raises(NotFoundError):
            call()
    kb_store.save_draft(record(), author="e")
    with pytest.raises(NotFoundError):
        kb_store.publish("passport_new", author="r", version=5)


def test_import_is_one_transaction(kb_store: KnowledgeStore) -> None:
    good = record(id="passport_new")
    with pytest.raises(AttributeError):
        kb_store.import_records([good, object()], author="import")  # type: ignore[list-item]
    assert kb_store.list_services() == []
    report = kb_store.import_records(
        [good, record(id="vehicle_tax", title_th="ภาษีรถ")], author="i", publish=True
    )
    assert (
        sorted(report.created) == ["passport_new", "vehicle_tax"]
        and sorted(report.published) == report.created
    )
    again = kb_store.import_records([good], author="i", publish=True)
    assert again.unchanged == ["passport_new"] and again.published == []
    assert [r.id for r in kb_store.export_records(published_only=True)] == ["passport_new", "vehicle_tax"]


def test_invalid_records_are_refused_with_the_field_named() -> None:
    with pytest.raises(RecordError, match="agency_level"):
        ServiceRecord.from_dict({"id": "x_y", "title_th": "ก", "agency_level": "galactic"})
    with pytest.raises(RecordError, match="id"):
        ServiceRecord.from_dict({"id": "Bad Id; DROP TABLE", "title_th": "ก"})
    with pytest.raises(RecordError, match="unknown field"):
        ServiceRecord.from_dict({"id": "x_y", "title_th": "ก", "secret": 1})
    with pytest.raises(RecordError, match="last_reviewed"):
        ServiceRecord.from_dict({"id": "x_y", "title_th": "ก", "last_reviewed": "yesterday"})
    with pytest.raises(RecordError, match="title_th"):
        ServiceRecord.from_dict({"id": "x_y", "title_th": "   "})
