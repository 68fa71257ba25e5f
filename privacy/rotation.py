"""Re-seal every stored sealed value under the current key (`python -m privacy rotate-keys`).

Idempotent and safe to re-run or interrupt: each batch commits on its own, a value already under the
current key is skipped, and a row changed meanwhile (erased, re-sealed by another run) is left alone
because the update matches the old value too. A value no key opens is counted, logged by row id and
kept as it is (never its content).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Engine, column, select, table, update

from privacy.sealing import Keyring, SealError

log = logging.getLogger(__name__)

# Every column that holds a sealed value: (table, primary key, sealed columns). Outbox rows hold no
# recipient (it is resolved at delivery from case_contacts); queued SMS events live in Redis for
# minutes and are not rewritten (privacy/README.md, "Rotation").
SEALED_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("case_contacts", "id", ("sender_enc", "phone_enc")),
)


@dataclass
class RotationReport:
    resealed: int = 0
    already_current: int = 0
    unreadable: int = 0
    by_kid: Counter[str] = field(default_factory=Counter)  # what was found, before re-sealing

    def line(self) -> str:
        found = ", ".join(f"{kid}: {n}" for kid, n in sorted(self.by_kid.items())) or "none"
        return (
            f"re-sealed {self.resealed}, already current {self.already_current}, "
            f"unreadable {self.unreadable} (found by key: {found})"
        )


def rotate(engine: Engine, keyring: Keyring, *, batch: int = 500) -> RotationReport:
    report = RotationReport()
    for table_name, pk, columns in SEALED_COLUMNS:
        for name in columns:
            _rotate_column(engine, keyring, table_name, pk, name, batch, report)
    return report


def _rotate_column(
    engine: Engine, keyring: Keyring, table_name: str, pk: str, name: str, batch: int, report: RotationReport
) -> None:
    t = table(table_name, column(pk), column(name))
    key_col, value_col = t.c[pk], t.c[name]
    last = None
    while True:
        query = select(key_col, value_col).where(value_col.is_not(None)).order_by(key_col).limit(batch)
        if last is not None:
            query = query.where(key_col > last)
        with engine.begin() as conn:
            rows = conn.execute(query).all()
            for row_id, token in rows:
                report.by_kid[keyring.kid_of(token) or "fernet"] += 1
                try:
                    fresh = keyring.reseal(token)
                except SealError as exc:
                    report.unreadable += 1
                    log.error("rotate-keys: %s.%s of row %s: %s", table_name, name, row_id, exc)
                    continue
                if fresh is None:
                    report.already_current += 1
                    continue
                conn.execute(update(t).where(key_col == row_id, value_col == token).values({name: fresh}))
                report.resealed += 1
        if len(rows) < batch:
            return
        last = rows[-1][0]


def census(engine: Engine, keyring: Keyring) -> Counter[str]:
    """How many stored values each key id sealed (what `rotate-keys --check` prints)."""
    found: Counter[str] = Counter()
    for table_name, _pk, columns in SEALED_COLUMNS:
        for name in columns:
            t = table(table_name, column(name))
            with engine.connect() as conn:
                for (token,) in conn.execute(select(t.c[name]).where(t.c[name].is_not(None))):
                    found[keyring.kid_of(token) or "fernet"] += 1
    return found
