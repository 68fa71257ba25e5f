"""Seed files: the 31 required services, each complete and valid; loading is idempotent and only
bumps versions of records whose content changed; export and import round-trip the format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from knowledge.record import RecordError
from knowledge.seed_loader import load_seed
from knowledge.seedfile import SEED_DIR, dump_record, load_dir, parse_record, write_dir
from knowledge.store import KnowledgeStore

REQUIRED_IDS = [
    "id_card_new",
    "id_card_renew",
    "id_card_lost",
    "house_registration_move_in",
    "house_registration_move_out",
    "birth_registration",
    "death_registration",
    "marriage_registration",
    "divorce_registration",
    "name_change",
    "passport_new",
    "driving_license_new",
    "driving_license_renew",
    "vehicle_tax",
    "business_registration",
    "company_registration",
    "personal_income_tax",
    "social_security_unemployment",
    "welfare_card",
    "elderly_allowance",
    "disability_allowance",
    "child_support_grant",
    "universal_health_coverage",
    "building_permit",
    "land_title_transfer",
    "criminal_record_check",
    "military_conscription",
    "farmer_registration",
    "foreign_worker_permit",
    "student_loan",
    "electricity_meter",
]


def test_every_required_service_has_a_complete_seed_file() -> None:
    records = {r.id: r for r in load_dir()}
    assert set(REQUIRED_IDS) <= set(records)
    for rid in REQUIRED_IDS:
        r = records[rid]
        assert r.title_th and r.title_en and r.agency and r.description and r.eligibility, rid
        assert r.documents and r.fees and r.processing_time and r.where_to_apply.offices, rid
        # few, so an FAQ stays a precise match (the passport has a fifth: the 10-year book is for adults)
        assert 2 <= len(r.faqs) <= 5, rid
        assert len(r.synonyms) >= 4, rid
        assert r.last_reviewed is not None and r.source and r.legal_basis, rid
        assert r.agency_level in {"central", "provincial", "local"}
    # Figures the agencies must confirm are marked somewhere in the seed set.
    assert sum(f.to_confirm for r in records.values() for f in r.fees) >= 20


def test_seed_loader_is_idempotent_and_versions_only_changes(
    kb_store: KnowledgeStore, tmp_path: Path
) -> None:
    first = load_seed(kb_store)
    assert sorted(first.created) == sorted(REQUIRED_IDS) and len(first.published) == len(REQUIRED_IDS)
    revision = kb_store.revision().number
    second = load_seed(kb_store)
    assert second.created == second.updated == second.published == []
    assert len(second.unchanged) == len(REQUIRED_IDS)
    assert kb_store.revision().number == revision
    assert {s.version for s in kb_store.list_services()} == {1}

    edited = tmp_path / "seed"
    shutil.copytree(SEED_DIR, edited)
    path = edited / "vehicle_tax.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["processing_time"] = "ทันที ที่สำนักงานขนส่ง"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    third = load_seed(kb_store, edited)
    assert third.updated == ["vehicle_tax"] and third.published == ["vehicle_tax"]
    versions = {s.id: s.version for s in kb_store.list_services()}
    assert versions["vehicle_tax"] == 2 and {v for k, v in versions.items() if k != "vehicle_tax"} == {1}
    assert kb_store.get_published("vehicle_tax").processing_time == "ทันที ที่สำนักงานขนส่ง"  # type: ignore[union-attr]


def test_only_missing_never_touches_staff_edits(kb_store: KnowledgeStore) -> None:
    load_seed(kb_store)
    staff_edit = kb_store.get("passport_new")
    assert staff_edit is not None
    kb_store.save_draft(staff_edit.with_meta(), author="editor", note="x")  # unchanged: no new version
    import dataclasses

    kb_store.save_draft(dataclasses.replace(staff_edit, office_hours="ทุกวัน"), author="editor")
    kb_store.unpublish("id_card_new", author="reviewer")
    report = load_seed(kb_store, only_missing=True)
    assert report.created == [] and report.published == []
    assert kb_store.get("passport_new").office_hours == "ทุกวัน"  # type: ignore[union-attr]
    assert kb_store.get_published("id_card_new") is None


def test_export_then_import_round_trips(kb_store: KnowledgeStore, tmp_path: Path) -> None:
    load_seed(kb_store)
    out = tmp_path / "export"
    write_dir(kb_store.export_records(), out)
    assert len(list(out.glob("*.yml"))) == len(REQUIRED_IDS)
    text = (out / "passport_new.yml").read_text(encoding="utf-8")
    assert "หนังสือเดินทาง" in text and "status:" not in text  # readable Thai, no bookkeeping
    again = {r.id: r for r in load_dir(out)}
    original = {r.id: r for r in load_dir()}
    assert {k: v.content_hash() for k, v in again.items()} == {
        k: v.content_hash() for k, v in original.items()
    }
    assert kb_store.import_records(again.values(), author="import").unchanged == sorted(again)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "one mapping"),
        ("id: other_id\ntitle_th: ก\n", "must match the file name"),
        ("id: bad_file\ntitle_th: ก\nagency_level: national\n", "agency_level"),
        ("id: bad_file\ntitle_th: ก\nfees:\n  - label: x\n", "amount"),
        ("id: bad_file\ntitle_th: ก\nfaqs:\n  - question: only a question\n", "question and answer"),
        ("id: bad_file\ntitle_th: ก\n<script>: 1\n", "unknown field"),
    ],
)
def test_bad_seed_files_fail_with_the_file_named(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "bad_file.yml").write_text(content, encoding="utf-8")
    with pytest.raises(RecordError, match=message) as info:
        load_dir(tmp_path)
    assert "bad_file" in str(info.value)


def test_dump_and_parse_agree() -> None:
    for record in load_dir():
        assert parse_record(dump_record(record)).content_hash() == record.content_hash()


def test_benchmark_questions_are_not_copied_from_the_seed() -> None:
    bench = Path(__file__).resolve().parents[2] / "bench" / "knowledge"
    seed_text = "\n".join(p.read_text(encoding="utf-8") for p in SEED_DIR.glob("*.yml"))
    rows = [
        line.split("\t")
        for line in (bench / "paraphrases.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(rows) >= 120
    ids = {r.id for r in load_dir()}
    for service_id, question in rows:
        assert service_id in ids, service_id
        assert question not in seed_text, question
    per_service = {sid: sum(1 for s, _ in rows if s == sid) for sid in REQUIRED_IDS}
    assert min(per_service.values()) >= 4
