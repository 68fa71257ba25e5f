"""Reads a POSTed form (url-encoded or multipart) once, with a size limit, before any handler sees it.

The console reads bodies itself instead of `request.post()` so uploads are bounded by the console's own
limit, independent of the `client_max_size` of whatever application mounts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web
from multidict import MultiDict

MAX_FIELDS = 2000
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class FormBody:
    fields: MultiDict[str] = field(default_factory=MultiDict)
    files: list[tuple[str, UploadedFile]] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    def files_named(self, name: str) -> list[UploadedFile]:
        return [f for n, f in self.files if n == name]


class BodyTooLarge(web.HTTPRequestEntityTooLarge):
    pass


async def read_form(request: web.Request, limit: int) -> FormBody:
    """Parse the body; 413 above `limit` bytes, 400 for bodies that are not a form or not UTF-8."""
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge(max_size=limit, actual_size=request.content_length)
    content_type = request.content_type
    if content_type == "application/x-www-form-urlencoded":
        return _parse_urlencoded(await _read_limited(request, limit))
    if content_type == "multipart/form-data":
        return await _parse_multipart(request, limit)
    if content_type in ("", "application/octet-stream") and request.content_length in (None, 0):
        return FormBody()
    raise web.HTTPUnsupportedMediaType(text="expected an HTML form")


async def _read_limited(request: web.Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(max_size=limit, actual_size=size)
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_urlencoded(body: bytes) -> FormBody:
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise web.HTTPBadRequest(text="the form is not valid UTF-8 or has too many fields") from None
    return FormBody(fields=MultiDict(pairs))


async def _parse_multipart(request: web.Request, limit: int) -> FormBody:
    form = FormBody()
    size = 0
    try:
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                raise web.HTTPBadRequest(text="nested multipart bodies are not accepted")
            data = bytearray()
            while True:
                chunk = await part.read_chunk(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge(max_size=limit, actual_size=size)
                data.extend(chunk)
            name = part.name or ""
            if part.filename is not None:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                form.files.append((name, UploadedFile(part.filename, content_type, bytes(data))))
            else:
                form.fields.add(name, bytes(data).decode("utf-8"))
            if len(form.fields) + len(form.files) > MAX_FIELDS:
                raise web.HTTPBadRequest(text="too many form fields")
    except UnicodeDecodeError:
        raise web.HTTPBadRequest(text="form fields must be UTF-8") from None
    except ValueError as exc:  # malformed boundaries and headers
        raise web.HTTPBadRequest(text=f"malformed multipart body: {exc.__class__.__name__}") from None
    return form
