"""Bulk import and export in the seed-file format (one `<id>.yml` per service), loose or in a zip.

Import checks every file before anything is saved and reports every problem at once, so an agency
fixes its files in one round; the store then saves the batch in one transaction.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from knowledge.record import RecordError, ServiceRecord
from knowledge.seedfile import MAX_FILE_BYTES, dump_record, parse_record
from staff.form_body import UploadedFile

MAX_FILES = 2000
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass
class ParsedUpload:
    records: list[ServiceRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_uploads(files: list[UploadedFile]) -> ParsedUpload:
    result = ParsedUpload()
    texts: list[tuple[str, bytes]] = []
    for upload in files:
        name = PurePosixPath(upload.filename.replace("\\", "/")).name
        if not name and not upload.data:
            continue  # the browser sends an empty part when no file was chosen
        lower = name.lower()
        if lower.endswith(".zip"):
            texts.extend(_zip_members(name, upload.data, result.errors))
        elif lower.endswith(YAML_SUFFIXES):
            texts.append((name, upload.data))
        else:
            result.errors.append(f"{name}: รับเฉพาะไฟล์ .yml, .yaml หรือ .zip")
    if len(texts) > MAX_FILES:
        result.errors.append(f"ไฟล์มากเกินไป ({len(texts)}) รับได้ไม่เกิน {MAX_FILES} ไฟล์ต่อครั้ง")
        return result
    seen: dict[str, str] = {}
    for name, data in texts:
        record = _parse_one(name, data, result.errors)
        if record is None:
            continue
        if record.id in seen:
            result.errors.append(f"{name}: รหัส {record.id} ซ้ำกับไฟล์ {seen[record.id]}")
            continue
        seen[record.id] = name
        result.records.append(record)
    if not texts and not result.errors:
        result.errors.append("ไม่พบไฟล์ที่จะนำเข้า")
    return result


def _parse_one(name: str, data: bytes, errors: list[str]) -> ServiceRecord | None:
    if len(data) > MAX_FILE_BYTES:
        errors.append(f"{name}: ใหญ่เกิน {MAX_FILE_BYTES // 1024} KiB")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append(f"{name}: ไฟล์ต้องเข้ารหัส UTF-8")
        return None
    try:
        record = parse_record(text, name=name)
    except RecordError as exc:
        errors.append(str(exc))
        return None
    stem = PurePosixPath(name).stem
    if record.id != stem:
        errors.append(f"{name}: รหัส {record.id!r} ต้องตรงกับชื่อไฟล์ ({record.id}.yml)")
        return None
    return record


def _zip_members(zip_name: str, data: bytes, errors: list[str]) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        errors.append(f"{zip_name}: ไม่ใช่ไฟล์ zip ที่ถูกต้อง")
        return []
    members = []
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_FILES:
            errors.append(f"{zip_name}: มีไฟล์มากกว่า {MAX_FILES} ไฟล์")
            return []
        for info in infos:
            path = PurePosixPath(info.filename)
            if path.parts and (path.parts[0] == "__MACOSX" or path.name.startswith(".")):
                continue  # archive-tool litter, not content
            if not path.name.lower().endswith(YAML_SUFFIXES):
                errors.append(f"{zip_name}/{info.filename}: รับเฉพาะไฟล์ .yml หรือ .yaml")
                continue
            # The header's size can lie (zip bombs): read at most one byte past the limit.
            try:
                with archive.open(info) as member:
                    content = member.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
                errors.append(f"{zip_name}/{info.filename}: อ่านไม่ได้ ({exc.__class__.__name__})")
                continue
            members.append((path.name, content))
    return members


def export_zip(records: list[ServiceRecord]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            archive.writestr(f"services/{record.id}.yml", dump_record(record).encode("utf-8"))
    return buffer.getvalue()
