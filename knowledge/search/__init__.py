"""Hybrid service search: dense embeddings + BM25 over Thai tokens, fused by reciprocal rank fusion.

`SearchIndex.build(records, embedder)` makes an immutable index; `LiveIndex` keeps one current for a
long-lived process and rebuilds it (re-embedding only changed records) when the store's revision moves.
"""

from knowledge.search.index import Hit, SearchIndex, SearchResult
from knowledge.search.live import LiveIndex

__all__ = ["Hit", "LiveIndex", "SearchIndex", "SearchResult"]
