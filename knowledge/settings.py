"""Knowledge-base settings of a long-lived process, read once from the environment at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from knowledge.search.embedders import BACKENDS, DEFAULT_BACKEND

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class KnowledgeSettings:
    backend: str = DEFAULT_BACKEND  # KNOWLEDGE_EMBEDDER: a registry name, or "none" for BM25 only
    model_path: str | None = None  # KNOWLEDGE_MODEL_PATH: sentence-transformers model directory
    cache_dir: Path = ROOT / "var" / "embeddings"  # KNOWLEDGE_CACHE_DIR
    refresh_seconds: float = 2.0  # KNOWLEDGE_REFRESH_SECONDS: how often the store's revision is checked
    seed_missing: bool = True  # KNOWLEDGE_SEED_MISSING: add seed services the store has never had

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> KnowledgeSettings:
        backend = environ.get("KNOWLEDGE_EMBEDDER", "").strip() or DEFAULT_BACKEND
        if backend not in BACKENDS and backend != "none":
            raise ValueError(
                f"KNOWLEDGE_EMBEDDER must be one of {', '.join([*BACKENDS, 'none'])}, got {backend!r}"
            )
        raw_refresh = environ.get("KNOWLEDGE_REFRESH_SECONDS", "").strip() or "2"
        try:
            refresh = float(raw_refresh)
        except ValueError as exc:
            raise ValueError(f"KNOWLEDGE_REFRESH_SECONDS must be a number, got {raw_refresh!r}") from exc
        if not 0 <= refresh <= 3600:
            raise ValueError("KNOWLEDGE_REFRESH_SECONDS must be between 0 and 3600")
        seed = (environ.get("KNOWLEDGE_SEED_MISSING", "").strip() or "1").lower()
        if seed not in {"0", "1", "true", "false", "yes", "no"}:
            raise ValueError(f"KNOWLEDGE_SEED_MISSING must be 1 or 0, got {seed!r}")
        cache = environ.get("KNOWLEDGE_CACHE_DIR", "").strip()
        return cls(
            backend=backend,
            model_path=environ.get("KNOWLEDGE_MODEL_PATH", "").strip() or None,
            cache_dir=Path(cache) if cache else ROOT / "var" / "embeddings",
            refresh_seconds=refresh,
            seed_missing=seed in {"1", "true", "yes"},
        )
