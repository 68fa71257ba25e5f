"""The search index of a long-lived process (action server, gateway), kept in step with the store.

Every `search` first asks the store for its revision at most once per `check_every` seconds (one
single-row query); when a reviewer has published or unpublished something since, the index is rebuilt
from the published records, re-embedding only records whose text changed. So published changes reach
the bot within seconds, without a restart. Call from worker threads (asyncio.to_thread) in async code.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import Embedder
from knowledge.search.index import Confidence, Mode, Progress, SearchIndex, SearchResult, single_threaded_blas
from knowledge.store import KnowledgeStore

log = logging.getLogger(__name__)


class LiveIndex:
    def __init__(
        self,
        store: KnowledgeStore,
        embedder: Embedder | None,
        *,
        cache: EmbeddingCache | None = None,
        check_every: float = 2.0,
        progress: Progress | None = None,
        confidence: Confidence | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._cache = cache or EmbeddingCache(None)
        self._check_every = check_every
        self._progress = progress
        self._confidence = confidence
        self._clock = clock
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._revision = -1
        self._checked_at = float("-inf")
        single_threaded_blas()

    @property
    def revision(self) -> int:
        return self._revision

    @property
    def store(self) -> KnowledgeStore:
        return self._store

    def index(self) -> SearchIndex:
        """The current index, rebuilt first if the store has changed (checked at most every few seconds)."""
        now = self._clock()
        if self._index is not None and now - self._checked_at < self._check_every:
            return self._index
        with self._lock:
            if self._index is not None and now - self._checked_at < self._check_every:
                return self._index
            revision = self._store.revision().number
            self._checked_at = now
            if self._index is None or revision != self._revision:
                self._index = SearchIndex.build(
                    self._store.list_published(),
                    self._embedder,
                    cache=self._cache,
                    progress=self._progress,
                    confidence=self._confidence,
                )
                log.info("knowledge index built at revision %s (%d services)", revision, len(self._index.ids))
                self._revision = revision
            return self._index

    def refresh(self) -> SearchIndex:
        """Check the store now (ignores the check interval); used at start-up."""
        self._checked_at = float("-inf")
        return self.index()

    def search(self, query: str, top: int = 3, mode: Mode = "hybrid") -> SearchResult:
        return self.index().search(query, top=top, mode=mode)
