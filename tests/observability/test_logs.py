"""JSON log lines with the request id (observability.logs), as every entry point configures them."""

from __future__ import annotations

import io
import json
import logging

import pytest

from observability import logs, request_id


@pytest.fixture
def stream():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    buffer = io.StringIO()
    logs.configure("INFO", "json")
    root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_one_json_object_per_line_with_thai_readable_and_the_bound_id(stream: io.StringIO) -> None:
    log = logging.getLogger("channels.worker")
    token = request_id.bind("lb-req-12345678")
    try:
        log.info("คำตอบส่งแล้ว %d ข้อความ", 2)
    finally:
        request_id.reset(token)
    log.warning("ไม่มีรหัสคำขอ")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "คำตอบส่งแล้ว 2 ข้อความ" and first["request_id"] == "lb-req-12345678"
    assert first["level"] == "INFO" and first["logger"] == "channels.worker" and first["time"]
    assert second["request_id"] == "-" and second["level"] == "WARNING"
    assert "\\u0e" not in stream.getvalue()  # Thai as UTF-8, not escaped


def test_an_id_of_the_wrong_shape_is_never_bound() -> None:
    hostile_values = ("", "short", "x" * 65, "has space inside", "ไทยไทยไทยไทย", "id\n12345678", None, 1234)
    for hostile in hostile_values:
        token = request_id.bind(hostile)  # type: ignore[arg-type]
        try:
            assert request_id.current() is None
        finally:
            request_id.reset(token)


def test_an_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="LOG_FORMAT must be one of json, text"):
        logs.configure("INFO", "xml")
