"""Complaint photos: checked to be real JPEG/PNG images of bounded size, stored by content hash."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

_SIGNATURES: dict[str, tuple[bytes, str]] = {
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
}
_REF = re.compile(r"[0-9a-f]{64}\.(?:jpg|png)")  # what save() names files


class PhotoError(ValueError):
    """The upload is not an accepted image or is too large."""


def sniff_image_type(data: bytes) -> str | None:
    """The type the bytes really are, whatever the sender declared."""
    for content_type, (magic, _) in _SIGNATURES.items():
        if data.startswith(magic):
            return content_type
    return None


def check_photo(data: bytes, declared_type: str, max_bytes: int) -> str:
    if not data:
        raise PhotoError("photo is empty")
    if len(data) > max_bytes:
        raise PhotoError(f"photo is larger than {max_bytes} bytes")
    actual = sniff_image_type(data)
    if actual is None:
        raise PhotoError("photo is not a JPEG or PNG image")
    if actual != declared_type:
        raise PhotoError(f"photo is {actual}, not {declared_type}")
    return actual


class PhotoStore:
    """Files on local disk named by SHA-256 (so a re-upload stores nothing new)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, data: bytes, content_type: str) -> tuple[str, str]:
        """Write atomically; return (sha256, storage_ref)."""
        digest = hashlib.sha256(data).hexdigest()
        ref = digest + _SIGNATURES[content_type][1]
        path = self.root / ref[:2] / ref
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return digest, ref

    def delete(self, ref: str) -> None:
        (self.root / ref[:2] / ref).unlink(missing_ok=True)

    def exists(self, ref: str) -> bool:
        return (self.root / ref[:2] / ref).exists()

    def read(self, ref: str) -> bytes | None:
        """The stored bytes, or None when the file is gone (purged) or `ref` is not one of ours."""
        if not _REF.fullmatch(ref):  # never a path outside the store, whatever the database holds
            return None
        try:
            return (self.root / ref[:2] / ref).read_bytes()
        except FileNotFoundError:
            return None
