"""CSV files people open in Excel: UTF-8 with a byte-order mark (so Thai headers and names read
correctly), CRLF line ends, and no cell a spreadsheet would run as a formula (OWASP CSV injection:
a text starting with = + - @ tab or CR gets a leading ').

Numbers are written as numbers (a negative count or rate is never text here), None as an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(round(value, 6)) if isinstance(value, float) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(h) for h in headers])
    writer.writerows([cell(v) for v in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")
