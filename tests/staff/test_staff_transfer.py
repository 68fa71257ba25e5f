"""Bulk import and export in the seed-file format: round trip, loose YAML files, and every kind of bad
upload reported at once with nothing saved."""

from __future__ import annotations

import io
import zipfile

import aiohttp
import pytest

from db.engine import make_sessionmaker
from knowledge.seedfile import SEED_DIR, dump_record, load_dir, parse_record
from knowledge.store import KnowledgeStore
from staff.roles import Role
from tests.staff.staff_helpers import add_user, page_token, sign_in


@pytest.fixture
def db_url(both_db_url: str) -> str:  # the round trip is a key flow: both databases
    return both_db_url


def seed_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(SEED_DIR.glob("*.yml")):
            archive.write(path, f"seed/{path.name}")
        archive.writestr("__MACOSX/._junk", b"\x00\x01")  # litter from macOS archivers is skipped
    return buffer.getvalue()


async def upload(client, files: list[tuple[str, bytes]], **fields: str):
    token = await page_token(client, "/staff/transfer")
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    for key, value in fields.items():
        form.add_field(key, value)
    for name, data in files:
        form.add_field("files", data, filename=name, content_type="application/octet-stream")
    return await client.post("/staff/transfer/import", data=form)


async def test_seed_zip_round_trip_import_export_import(client, engine):
    add_user(engine, "rev1", Role.REVIEWER)
    await sign_in(client, "rev1")
    seeds = load_dir()
    response = await upload(client, [("seed.zip", seed_zip())], note="นำเข้าชุดตั้งต้น")
    assert response.status == 200, await response.text()
    html = await response.text()
    assert f"สร้างใหม่ {len(seeds)}" in html
    store = KnowledgeStore(make_sessionmaker(engine))
    assert {s.id for s in store.list_services()} == {r.id for r in seeds}
    assert store.list_published() == []  # imported as drafts

    exported = await client.get("/staff/transfer/export.zip")
    assert exported.status == 200
    assert exported.headers["Content-Type"] == "application/zip"
    assert exported.headers["Content-Disposition"].startswith('attachment; filename="services-all-')
    with zipfile.ZipFile(io.BytesIO(await exported.read())) as archive:
        names = sorted(archive.namelist())
        back = {n.split("/")[-1]: archive.read(n).decode("utf-8") for n in names}
    assert len(back) == len(seeds)
    for record in seeds:
        text = back[f"{record.id}.yml"]
        assert parse_record(text).content_dict() == record.content_dict()  # Thai text intact
        assert text == dump_record(record)

    again = await upload(client, [("export.zip", await exported.read())])
    assert f"ไม่เปลี่ยน {len(seeds)}" in await again.text()
    assert all(len(store.history(r.id)) == 1 for r in seeds)  # no empty versions


async def test_loose_yaml_files_with_publish(client, engine):
    add_user(engine, "rev1", Role.REVIEWER)
    await sign_in(client, "rev1")
    files = [(p.name, p.read_bytes()) for p in sorted(SEED_DIR.glob("*.yml"))[:3]]
    response = await upload(client, files, publish="1")
    assert response.status == 200
    store = KnowledgeStore(make_sessionmaker(engine))
    assert sorted(r.id for r in store.list_published()) == sorted(n.removesuffix(".yml") for n, _ in files)
    published = await client.get("/staff/transfer/export.zip?scope=published")
    with zipfile.ZipFile(io.BytesIO(await published.read())) as archive:
        assert len(archive.namelist()) == 3


async def test_editor_may_import_drafts_but_not_publish_them(client, engine):
    add_user(engine, "ed1", Role.EDITOR)
    await sign_in(client, "ed1")
    one = next(iter(sorted(SEED_DIR.glob("*.yml"))))
    refused = await upload(client, [(one.name, one.read_bytes())], publish="1")
    assert refused.status == 403
    store = KnowledgeStore(make_sessionmaker(engine))
    assert store.list_services() == []
    accepted = await upload(client, [(one.name, one.read_bytes())])
    assert accepted.status == 200
    assert store.get(one.stem) is not None and store.list_published() == []


async def test_every_problem_is_reported_and_nothing_is_saved(client, engine):
    add_user(engine, "ed1", Role.EDITOR)
    await sign_in(client, "ed1")
    good = sorted(SEED_DIR.glob("*.yml"))[0]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("huge.yml", "title_th: " + "ก" * 400_000)  # 1.2 MB unpacked, tiny packed
    files = [
        (good.name, good.read_bytes()),
        ("renamed.yml", good.read_bytes()),  # id does not match the file name
        ("broken.yml", b"id: [unclosed\n"),
        ("latin1.yml", "id: x\ntitle_th: caf\xe9\n".encode("latin-1")),
        ("notes.txt", b"hello"),
        ("fake.zip", b"PK not really"),
        ("bomb.zip", bomb.getvalue()),
        ("unknown_field.yml", b"id: unknown_field\ntitle_th: x\ncolour: red\n"),
    ]
    response = await upload(client, files)
    assert response.status == 422
    html = await response.text()
    for fragment in (
        "renamed.yml",
        "broken.yml: not valid YAML",
        "latin1.yml: ไฟล์ต้องเข้ารหัส UTF-8",
        "notes.txt: รับเฉพาะไฟล์",
        "fake.zip: ไม่ใช่ไฟล์ zip",
        "huge.yml: ใหญ่เกิน",
        "unknown field(s): colour",
    ):
        assert fragment in html, fragment
    assert KnowledgeStore(make_sessionmaker(engine)).list_services() == []  # the good file waited too


async def test_duplicate_ids_across_files_are_refused(client, engine):
    add_user(engine, "ed1", Role.EDITOR)
    await sign_in(client, "ed1")
    good = sorted(SEED_DIR.glob("*.yml"))[0]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"a/{good.name}", good.read_bytes())
    response = await upload(client, [(good.name, good.read_bytes()), ("pack.zip", archive.getvalue())])
    assert response.status == 422
    assert "ซ้ำกับไฟล์" in await response.text()


async def test_upload_over_the_size_limit_is_refused(client, engine):
    add_user(engine, "ed1", Role.EDITOR)
    await sign_in(client, "ed1")
    response = await upload(client, [("big.zip", b"\0" * (6 * 1024 * 1024))])
    assert response.status == 413
    assert KnowledgeStore(make_sessionmaker(engine)).list_services() == []


async def test_empty_upload_says_so(client, engine):
    add_user(engine, "ed1", Role.EDITOR)
    await sign_in(client, "ed1")
    response = await upload(client, [("", b"")])
    assert response.status == 422
    assert "ไม่พบไฟล์ที่จะนำเข้า" in await response.text()
