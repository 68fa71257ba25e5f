"""The seed/import/export file format: one YAML file per service, `<id>.yml`, plain enough for agency
staff to review in a text editor or a diff. The store's bookkeeping (status, version) is not in the files.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.record import RecordError, ServiceRecord

SEED_DIR = Path(__file__).resolve().parent / "seed"
MAX_FILE_BYTES = 512 * 1024


def parse_record(text: str, *, name: str = "<text>") -> ServiceRecord:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RecordError(f"{name}: not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise RecordError(f"{name}: the file must hold one mapping of fields")
    data.pop("status", None)
    data.pop("version", None)
    try:
        return ServiceRecord.from_dict(data)
    except RecordError as exc:
        raise RecordError(f"{name}: {exc}") from exc


def load_file(path: Path) -> ServiceRecord:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise RecordError(f"{path.name}: larger than {MAX_FILE_BYTES // 1024} KiB")
    record = parse_record(path.read_text(encoding="utf-8-sig"), name=path.name)
    if record.id != path.stem:
        raise RecordError(f"{path.name}: id {record.id!r} must match the file name")
    return record


def load_dir(directory: Path = SEED_DIR) -> list[ServiceRecord]:
    """Every *.yml/*.yaml file, sorted by name; the first bad file stops the load with its name."""
    paths = sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")])
    records = [load_file(p) for p in paths]
    seen: set[str] = set()
    for r in records:
        if r.id in seen:
            raise RecordError(f"{r.id}: defined twice in {directory}")
        seen.add(r.id)
    return records


def dump_record(record: ServiceRecord) -> str:
    return yaml.safe_dump(record.content_dict(), allow_unicode=True, sort_keys=False, width=100)


def write_dir(records: list[ServiceRecord], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for record in records:
        path = directory / f"{record.id}.yml"
        path.write_text(dump_record(record), encoding="utf-8")
        paths.append(path)
    return paths
