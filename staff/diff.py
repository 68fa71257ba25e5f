"""Differences between two versions of a record: which fields changed, and a line diff of the seed text.

Rows are plain data; the template escapes every value, so content such as `<script>` shows as text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from knowledge.record import ServiceRecord
from knowledge.seedfile import dump_record


@dataclass(frozen=True, slots=True)
class DiffRow:
    kind: str  # "same", "changed", "added", "removed"
    old_no: int | None
    old: str
    new_no: int | None
    new: str


def changed_fields(old: ServiceRecord, new: ServiceRecord) -> list[str]:
    a, b = old.content_dict(), new.content_dict()
    names = [*a, *(name for name in b if name not in a)]  # a field only one side has (approved_questions)
    return [name for name in names if a.get(name) != b.get(name)]


def line_diff(old: ServiceRecord, new: ServiceRecord, *, context: int = 3) -> list[DiffRow | None]:
    """Side-by-side rows; None marks a gap where unchanged lines were left out."""
    left = dump_record(old).splitlines()
    right = dump_record(new).splitlines()
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    rows: list[DiffRow | None] = []
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(None)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    DiffRow("same", i + 1, left[i], j + 1, right[j])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
            elif tag == "delete":
                rows.extend(DiffRow("removed", i + 1, left[i], None, "") for i in range(i1, i2))
            elif tag == "insert":
                rows.extend(DiffRow("added", None, "", j + 1, right[j]) for j in range(j1, j2))
            else:
                for k in range(max(i2 - i1, j2 - j1)):
                    i, j = i1 + k, j1 + k
                    rows.append(
                        DiffRow(
                            "changed",
                            i + 1 if i < i2 else None,
                            left[i] if i < i2 else "",
                            j + 1 if j < j2 else None,
                            right[j] if j < j2 else "",
                        )
                    )
    return rows
