"""Approved examples travel with the knowledge base: the console's export zip, `knowledge export` files,
open data (JSON and CSV), and the generated NLU training file that `make train` fingerprints."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from knowledge.agencies import AgencyDirectory
from knowledge.open_data import CSV_COLUMNS, public_record, services_csv
from knowledge.seedfile import dump_record, parse_record
from staff.audit import Actor
from staff.transfer import export_zip
from teaching import decisions, nlu_export
from tests.teaching.conftest import add_questions

ROOT = Path(__file__).resolve().parents[2]
REVIEWER = Actor(None, "reviewer1", "")
QUESTIONS = ["เบอร์ 0812345678 ต่อภาษีมอไซค์ที่ไหนครับ", "ป้ายภาษีรถหมดแล้ว [ด่วน] ทำไงดี"]


def approve(sessions, store, questions=QUESTIONS, service="vehicle_tax"):  # type: ignore[no-untyped-def]
    ids = add_questions(sessions, questions)
    with sessions.begin() as session:
        decisions.decide(session, REVIEWER, "service", ids, target=service, may_publish=True)


def test_exports_carry_the_approved_examples_masked(sessions, store) -> None:
    approve(sessions, store)
    record = store.get_published("vehicle_tax")
    assert len(record.approved_questions) == 2
    text = dump_record(record)  # knowledge export / seed file format
    assert "approved_questions" in text and "0812345678" not in text
    assert parse_record(text).approved_questions == record.approved_questions  # import reads them back
    with zipfile.ZipFile(io.BytesIO(export_zip(store.export_records()))) as archive:
        exported = archive.read("services/vehicle_tax.yml").decode("utf-8")
    assert "ป้ายภาษีรถหมดแล้ว" in exported and "0812345678" not in exported
    assert public_record(record)["approved_questions"] == list(record.approved_questions)
    rows = list(csv.reader(io.StringIO(services_csv([record]).decode("utf-8-sig"))))
    row = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert "ป้ายภาษีรถหมดแล้ว" in row["approved_questions"] and "0812345678" not in row["approved_questions"]


async def test_open_data_lists_approved_examples(client, sessions, store) -> None:
    approve(sessions, store)
    body = await (await client.get("/open-data/services.json")).json()
    service = next(s for s in body["services"] if s["id"] == "vehicle_tax")
    assert len(service["approved_questions"]) == 2
    assert all("0812345678" not in q for q in service["approved_questions"])
    other = next(s for s in body["services"] if s["id"] == "passport_new")
    assert other["approved_questions"] == []


def test_nlu_examples_follow_the_approved_examples(sessions, store, tmp_path: Path) -> None:
    out = tmp_path / "nlu.yml"
    with sessions() as session:
        empty = nlu_export.export(session, store.list_published(), out)
    assert empty == {"ask_service": 0, "out_of_scope": 0}
    first = out.read_text("utf-8")

    approve(sessions, store)
    ids = add_questions(sessions, ["ไฟดับทั้งซอยแจ้งใคร"])
    directory = AgencyDirectory.load()
    agency = directory.agencies[0].id
    with sessions.begin() as session:
        decisions.decide(
            session, REVIEWER, "out_of_scope", ids, target=agency, may_publish=True, directory=directory
        )
    with sessions() as session:
        counts = nlu_export.export(session, store.list_published(), out)
    second = out.read_text("utf-8")
    assert counts == {"ask_service": 2, "out_of_scope": 1}
    assert second != first  # so the training fingerprint (scripts/train.sh hashes this file) moves
    data = yaml.safe_load(second)
    by_intent = {block["intent"]: block["examples"] for block in data["nlu"]}
    examples = [line[2:] for line in by_intent["ask_service"].splitlines()]
    assert "ป้ายภาษีรถหมดแล้ว ด่วน ทำไงดี" in examples  # no [annotation] brackets left for Rasa
    assert all("0812345678" not in e for e in examples)
    assert by_intent["out_of_scope"].strip() == "- ไฟดับทั้งซอยแจ้งใคร"
    with sessions() as session:
        nlu_export.export(session, store.list_published(), out)
    assert out.read_text("utf-8") == second  # deterministic: same data, same file


def test_hand_written_examples_are_not_repeated() -> None:
    known = nlu_export.existing_examples()
    assert known  # bot/data/nlu has examples
    some = sorted(known)[0]

    class Record:
        approved_questions = (some, "คำถามใหม่ที่ไม่ซ้ำ", "ถามทั้งสองแบบ")

    examples = nlu_export.training_examples([Record()], ["ถามทั้งสองแบบ"], existing=known)  # type: ignore[list-item]
    assert examples == {"ask_service": ["คำถามใหม่ที่ไม่ซ้ำ"], "out_of_scope": []}


def test_cli_writes_the_training_file(sessions, store, db_url: str, tmp_path: Path) -> None:
    approve(sessions, store)
    out = tmp_path / "teaching" / "nlu.yml"
    done = subprocess.run(
        [sys.executable, "-m", "teaching", "export-nlu", "--out", str(out), "--url", db_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "2 ask_service" in done.stdout
    assert "ต่อภาษีมอไซค์ที่ไหนครับ" in out.read_text("utf-8")
    fresh = tmp_path / "fresh.yml"
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "teaching",
            "export-nlu",
            "--out",
            str(fresh),
            "--url",
            f"sqlite:///{tmp_path}/none.db",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert missing.returncode == 0, missing.stderr
    assert yaml.safe_load(fresh.read_text("utf-8"))["nlu"] == []


def test_train_script_trains_on_the_generated_file() -> None:
    script = (ROOT / "scripts" / "train.sh").read_text("utf-8")
    assert 'python -m teaching export-nlu --out "$taught"' in script
    assert 'nlu "$taught" -type f' in script  # hashed into the fingerprint
    assert '--data bot/data "$taught"' in script  # and trained on
