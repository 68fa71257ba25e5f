"""The OpenAPI file is the contract: the API validates request and response bodies against the very
schemas it serves at /api/v1/openapi.json, so the documentation and the behaviour cannot drift apart.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

OPENAPI_PATH = Path(__file__).resolve().parent / "openapi.json"


@cache
def openapi_document() -> dict[str, Any]:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> jsonschema_rs.Draft202012Validator:
    doc = openapi_document()
    # Refs inside the component schemas point at "#/components/…", so the root must carry them.
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "$ref": f"#/components/schemas/{name}",
    }
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


def schema_errors(name: str, instance: Any, limit: int = 5) -> list[str]:
    """Human-readable errors (path: message), at most `limit`; empty when the instance conforms."""
    out: list[str] = []
    for error in _validator(name).iter_errors(instance):
        path = "/".join(str(p) for p in error.instance_path) or "(body)"
        out.append(f"{path}: {error.message}"[:300])
        if len(out) >= limit:
            break
    return out
