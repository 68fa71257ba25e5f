"""Fields added for issue 10: short button labels, benefits apart from fees, verified, English text."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge.record import SHORT_LABEL_MAX, EnglishText, Fee, RecordError, ServiceRecord
from knowledge.seedfile import dump_record, load_dir, parse_record
from knowledge.store import KnowledgeStore
from staff import service_form

SEEDS = load_dir()
BENEFIT_SERVICES = (
    "elderly_allowance",
    "disability_allowance",
    "child_support_grant",
    "social_security_unemployment",
    "welfare_card",
)


def test_every_service_has_a_unique_short_label_that_fits_a_line_button() -> None:
    labels = [r.label_th for r in SEEDS]
    assert all(r.short_th for r in SEEDS)
    too_long = [label for label in labels if len(label) > SHORT_LABEL_MAX]
    assert not too_long
    assert len(set(labels)) == len(labels), "two services share a button label"


def test_label_falls_back_to_a_cut_title() -> None:
    record = ServiceRecord(id="x_y", title_th="ขอรับเงินช่วยเหลือผู้ประสบภัยพิบัติกรณีบ้านเสียหาย (ทดสอบ)")
    assert len(record.label_th) <= SHORT_LABEL_MAX and record.label_th.endswith("…")
    assert ServiceRecord(id="x_y", title_th="แจ้งเกิด (ขอสูติบัตร)").label_th == "แจ้งเกิด"


def test_short_label_longer_than_twenty_is_refused() -> None:
    with pytest.raises(RecordError, match="short_th"):
        ServiceRecord.from_dict({"id": "x_y", "title_th": "ก", "short_th": "ก" * 21})


@pytest.mark.parametrize("service_id", BENEFIT_SERVICES)
def test_money_received_is_under_benefits_not_fees(service_id: str) -> None:
    record = next(r for r in SEEDS if r.id == service_id)
    assert record.benefits
    assert all("ไม่มีค่าธรรมเนียม" in f.amount or "ดอกเบี้ย" in f.label for f in record.fees)


def test_seed_records_are_drafts_with_english() -> None:
    for record in SEEDS:
        assert not record.verified and "รอ" in record.source
        en = record.english
        assert en and en.title and en.description and en.documents and en.processing_time and en.online


def test_new_fields_round_trip_dict_yaml_and_hash() -> None:
    record = next(r for r in SEEDS if r.id == "elderly_allowance")
    assert ServiceRecord.from_dict(record.to_dict()) == record
    assert parse_record(dump_record(record)) == record
    changed = dataclasses.replace(record, benefits=(*record.benefits, Fee("เพิ่ม", "1 บาท")))
    assert changed.content_hash() != record.content_hash()
    verified = dataclasses.replace(record, verified=True)
    assert verified.content_hash() != record.content_hash()


def test_bad_english_and_verified_are_refused() -> None:
    with pytest.raises(RecordError, match="english"):
        ServiceRecord.from_dict({"id": "x_y", "title_th": "ก", "english": {"titel": "x"}})
    with pytest.raises(RecordError, match="verified"):
        ServiceRecord.from_dict({"id": "x_y", "title_th": "ก", "verified": "yes"})
    assert ServiceRecord.from_dict({"id": "x_y", "title_th": "ก", "english": {}}).english is None


def test_form_carries_the_new_fields() -> None:
    record = dataclasses.replace(
        next(r for r in SEEDS if r.id == "welfare_card"),
        verified=True,
        english=EnglishText(title="Welfare card", documents=("ID card",), where=("Krungthai Bank",)),
    )
    form = service_form.to_form(record)
    assert form["verified"] == "1" and form["en_where"] == "Krungthai Bank"
    assert service_form.from_form(form) == record
    with pytest.raises(RecordError, match="benefits"):
        service_form.from_form(form | {"benefits": "a | b | c | d"})


def test_store_keeps_the_new_fields_in_working_copy_and_published(kb_store: KnowledgeStore) -> None:
    record = next(r for r in SEEDS if r.id == "elderly_allowance")
    kb_store.save_draft(record, author="t")
    assert kb_store.get(record.id).content_hash() == record.content_hash()  # type: ignore[union-attr]
    kb_store.publish(record.id, author="r")
    published = kb_store.get_published(record.id)
    assert published is not None
    assert published.benefits == record.benefits and published.english == record.english
    exported = {r.id: r for r in kb_store.export_records()}
    assert exported[record.id].short_th == record.short_th
    again = kb_store.save_draft(record, author="t")
    assert not again.changed and again.record.english == record.english


def test_open_data_publishes_benefits_verified_and_english() -> None:
    from knowledge import open_data

    record = next(r for r in SEEDS if r.id == "elderly_allowance")
    public = open_data.public_record(record)
    assert public["benefits"] and public["verified"] is False and public["english"]["title"]
    header, row = open_data.services_csv([record]).decode("utf-8-sig").splitlines()[:2]
    columns = header.split(",")
    assert {"benefits", "verified", "short_th", "documents_en"} <= set(columns)
    assert "600 บาทต่อเดือน" in row
    assert "600" not in open_data.csv_row(record)[columns.index("fees")]
