"""Load the repository's seed files into the store without clobbering what staff did since."""

from __future__ import annotations

from pathlib import Path

from knowledge.seedfile import SEED_DIR, load_dir
from knowledge.store import ImportReport, KnowledgeStore

SEED_AUTHOR = "seed"


def load_seed(
    store: KnowledgeStore, directory: Path = SEED_DIR, *, publish: bool = True, only_missing: bool = False
) -> ImportReport:
    """Idempotent: a record whose content equals its latest version gets no new version.

    `only_missing` is for start-up: it adds services the store has never seen and leaves every existing
    record (possibly edited by staff in the console) exactly as it is.
    """
    records = load_dir(directory)
    if only_missing:  # safe with several servers starting at once (KnowledgeStore.import_missing)
        return store.import_missing(records, author=SEED_AUTHOR, publish=publish, note="seed")
    return store.import_records(records, author=SEED_AUTHOR, publish=publish, note="seed")
