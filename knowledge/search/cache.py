"""Embeddings of record passages, cached by (backend, record id, passages hash).

A record is re-embedded only when the texts it contributes change; the disk copy lets a restarted
process (or the next CLI call) skip the model work entirely. Files are written atomically so two
processes building at once never read half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

import numpy as np

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def passages_key(passages: list[str]) -> str:
    return hashlib.sha256("\x1f".join(passages).encode("utf-8")).hexdigest()[:16]


class EmbeddingCache:
    def __init__(self, directory: Path | None) -> None:
        self._dir = directory
        self._memory: dict[tuple[str, str, str], np.ndarray] = {}

    def _path(self, backend: str, record_id: str, key: str) -> Path | None:
        if self._dir is None:
            return None
        return self._dir / _SAFE.sub("_", backend) / f"{_SAFE.sub('_', record_id)}-{key}.npy"

    def get(self, backend: str, record_id: str, key: str) -> np.ndarray | None:
        mem_key = (backend, record_id, key)
        if mem_key in self._memory:
            return self._memory[mem_key]
        path = self._path(backend, record_id, key)
        if path is None or not path.exists():
            return None
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None  # a damaged file is simply recomputed
        self._memory[mem_key] = vectors
        return vectors

    def put(self, backend: str, record_id: str, key: str, vectors: np.ndarray) -> None:
        self._memory[(backend, record_id, key)] = vectors
        path = self._path(backend, record_id, key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{_SAFE.sub('_', record_id)}-*.npy"):
            if stale != path:
                stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, vectors, allow_pickle=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
