"""nlu.sentence_encoder: the real USE model (no download), unit vectors, and the text-hash cache."""

from pathlib import Path

import numpy as np
import pytest

from nlu import sentence_encoder


def test_encodes_thai_english_and_empty_to_unit_vectors() -> None:
    vectors = sentence_encoder.encode(["สวัสดีครับ", "hello", "ทำบัตรประชาชนใหม่", ""])
    assert vectors.shape == (4, sentence_encoder.EMBEDDING_DIM)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-3)
    # Paraphrases sit closer than unrelated sentences.
    a, b, c = sentence_encoder.encode(["อยากทำบัตรประชาชน", "ขอทำบัตรประจำตัวประชาชนใหม่", "ฝนตกหนักมาก"])
    assert a @ b > a @ c


def test_empty_batch() -> None:
    assert sentence_encoder.encode([]).shape == (0, sentence_encoder.EMBEDDING_DIM)


def test_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sentence_encoder, "_cache", None)
    monkeypatch.setattr(sentence_encoder, "_cache_file", None)
    path = tmp_path / "cache.npz"
    sentence_encoder.enable_cache(path)
    first = sentence_encoder.encode(["ต่อใบขับขี่", "ย้ายทะเบียนบ้าน"])
    sentence_encoder.save_cache()
    sentence_encoder.enable_cache(path)  # reload from disk
    assert sentence_encoder._cache is not None and len(sentence_encoder._cache) == 2
    # With the model unavailable, cached texts must still encode (served from the cache).
    monkeypatch.setattr(sentence_encoder, "_get_model", lambda: pytest.fail("model used despite cache"))
    assert np.allclose(sentence_encoder.encode(["ย้ายทะเบียนบ้าน", "ต่อใบขับขี่"]), first[::-1])


def test_threads_must_be_positive() -> None:
    with pytest.raises(ValueError):
        sentence_encoder.configure(threads=0)
