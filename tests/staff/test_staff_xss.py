"""Every value a user can type is rendered as text: payloads in every field of a record, in account
names, in change notes, in uploaded file names and in the query string never become markup."""

from __future__ import annotations

import io
import re
import zipfile

import aiohttp
import pytest
from markupsafe import escape

from staff.roles import Role
from tests.staff.staff_helpers import add_user, csrf_from, page_token, post, service_form, sign_in

DANGEROUS = re.compile(r"<\s*(script|img|svg|iframe|object|embed)\b|javascript:alert", re.I)


def payload(tag: str) -> str:
    return f'<script>alert("{tag}")</script>"><img src=x onerror=alert(1)>'


TEXT_FIELDS = [
    "title_th",
    "title_en",
    "agency",
    "description",
    "eligibility",
    "processing_time",
    "online",
    "office_hours",
    "legal_basis",
    "source",
]


def hostile_form(service_id: str, tag: str = "") -> dict[str, str]:
    form = service_form(service_id)
    for name in TEXT_FIELDS:
        form[name] = payload(name + tag)
    form["documents"] = payload("documents" + tag) + "\n" + "สำเนาทะเบียนบ้าน"
    form["offices"] = payload("offices" + tag)
    form["synonyms"] = payload("synonyms" + tag)
    form["fees"] = f"<b>fee{tag}</b> | <i>100</i> บาท"
    form["faqs"] = f"<script>q{tag}</script> | <img src=x onerror=alert('a{tag}')>"
    form["e_service_url"] = f'https://example.go.th/"><script>alert("url{tag}")</script>'
    form["note"] = payload("note" + tag)
    return form


def assert_inert(html: str, where: str) -> None:
    match = DANGEROUS.search(html)
    assert match is None, f"{where}: unescaped markup {match.group(0)!r}"


async def test_payloads_in_every_field_are_escaped_on_every_page(client, engine):
    add_user(engine, "admin1", Role.ADMIN, display_name=payload("display_name"))
    await sign_in(client, "admin1")
    created = await post(
        client, "/staff/services/new", hostile_form("xss_case"), token_page="/staff/services/new"
    )
    assert created.status == 303
    second = {**hostile_form("xss_case", tag="-v2"), "expected_version": "1"}
    assert (await post(client, "/staff/services/xss_case/edit", second)).status == 303
    await post(client, "/staff/services/xss_case/publish", {"version": "2"})

    pages = [
        "/staff/services",
        f"/staff/services?agency={payload('q')}",
        "/staff/services/xss_case",
        "/staff/services/xss_case/edit",
        "/staff/services/xss_case/preview",
        "/staff/services/xss_case/preview?version=1",
        "/staff/services/xss_case/history",
        "/staff/services/xss_case/diff?a=1&b=2",
        "/staff/users",
        "/staff/users/1",
        "/staff/audit",
        f"/staff/audit?action={payload('a')}&target={payload('t')}",
        "/staff/transfer",
    ]
    for path in pages:
        response = await client.get(path)
        assert response.status == 200, path
        html = await response.text()
        assert_inert(html, path)
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]

    detail = await (await client.get("/staff/services/xss_case")).text()
    for name in TEXT_FIELDS:
        assert str(escape(payload(name + "-v2"))) in detail, name  # shown, as text
    edit = await (await client.get("/staff/services/xss_case/edit")).text()
    assert str(escape(payload("description-v2"))) in edit  # inside <textarea>, still escaped
    assert str(escape(payload("title_th-v2"))) in edit  # inside value="…"
    diff = await (await client.get("/staff/services/xss_case/diff?a=1&b=2")).text()
    assert "&lt;script&gt;" in diff
    users = await (await client.get("/staff/users")).text()
    assert str(escape(payload("display_name"))) in users


async def test_rejected_input_is_echoed_escaped(client, engine):
    add_user(engine, "admin1", Role.ADMIN)
    await sign_in(client, "admin1")
    bad_id = await post(
        client,
        "/staff/services/new",
        service_form('<script>alert("id")</script>'),
        token_page="/staff/services/new",
    )
    assert bad_id.status == 422
    assert_inert(await bad_id.text(), "bad id")
    bad_fee = await post(
        client,
        "/staff/services/new",
        service_form("fee_case", fees="a | b | c | <svg onload=alert(1)>"),
        token_page="/staff/services/new",
    )
    assert bad_fee.status == 422
    html = await bad_fee.text()
    assert_inert(html, "bad fee")
    assert "&lt;svg onload=alert(1)&gt;" in html
    bad_user = await post(
        client, "/staff/users", {"username": "<img src=x>", "password": "x", "role": "editor"}
    )
    assert bad_user.status == 422
    assert_inert(await bad_user.text(), "bad user")


async def test_sign_in_page_echoes_the_username_escaped(client, engine):
    page = await client.get("/staff/login?next=/staff/%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
    assert_inert(await page.text(), "login next")
    token = csrf_from(await page.text())
    response = await client.post(
        "/staff/login",
        data={"csrf_token": token, "username": '"><script>alert(1)</script>', "password": "whatever-long"},
    )
    assert_inert(await response.text(), "login username")


async def test_uploaded_file_names_and_contents_are_escaped_in_import_errors(client, engine):
    add_user(engine, "admin1", Role.ADMIN)
    await sign_in(client, "admin1")
    token = await page_token(client, "/staff/transfer")
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    form.add_field("files", b"id: x\n", filename="<img src=x onerror=alert(1)>.yml", content_type="text/yaml")
    form.add_field(
        "files", b"title_th: <script>alert(1)</script>\nid: '<svg/onload=alert(1)>'\n", filename="bad.yml"
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("<script>x</script>.txt", "nothing")
    form.add_field("files", archive.getvalue(), filename="pack.zip", content_type="application/zip")
    response = await client.post("/staff/transfer/import", data=form)
    assert response.status == 422
    html = await response.text()
    assert_inert(html, "import errors")
    assert "&lt;svg/onload=alert(1)&gt;" in html  # from inside a file
    assert "pack.zip/&lt;script&gt;x&lt;/script&gt;.txt" in html  # a member name inside a zip


@pytest.mark.parametrize(
    "path", ["/staff/services/%3Cscript%3E", "/staff/users/%3Cscript%3E", "/staff/nope<script>"]
)
async def test_error_pages_do_not_reflect_the_path(client, engine, path):
    add_user(engine, "admin1", Role.ADMIN)
    await sign_in(client, "admin1")
    response = await client.get(path)
    assert response.status == 404
    assert_inert(await response.text(), path)
