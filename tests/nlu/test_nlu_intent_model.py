"""nlu.intent_model: trains, ranks and gives calibrated probabilities (no Rasa, fake embedder)."""

import pickle

import numpy as np
import pytest

from nlu.intent_model import IntentModel, IntentModelConfig
from nlu.tokenize import tokenize

EXAMPLES = {
    "greet": ["สวัสดีครับ", "หวัดดีค่ะ", "สวัสดีจ้า", "hello ครับ", "ดีครับพี่", "หวัดดีจ้าาา"],
    "ask_service": [
        "ทำบัตรประชาชนใหม่ต้องใช้อะไร",
        "ย้ายทะเบียนบ้านทำยังไง",
        "ต่อใบขับขี่ที่ไหน",
        "ทำพาสปอร์ตกี่วัน",
        "ยื่นภาษีออนไลน์ยังไง",
        "สมัครบัตรสวัสดิการที่ไหน",
    ],
    "thank": ["ขอบคุณครับ", "ขอบคุณมากค่ะ", "thank you นะ", "ขอบใจจ้า", "ขอบคุณมากกกก", "thx ครับ"],
}


def fake_embed(texts: list[str]) -> np.ndarray:
    """Deterministic stand-in for USE: a hashed bag of characters, unit length."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for ch in text:
            out[i, ord(ch) % 64] += 1.0
        norm = np.linalg.norm(out[i])
        out[i] /= norm if norm else 1.0
    return out


def data() -> tuple[list[str], list[list[str]], list[str]]:
    texts = [t for ts in EXAMPLES.values() for t in ts]
    labels = [label for label, ts in EXAMPLES.items() for _ in ts]
    return texts, [[tok.text for tok in tokenize(t)] for t in texts], labels


def trained(**config: float) -> IntentModel:
    texts, tokens, labels = data()
    return IntentModel(IntentModelConfig(char_min_df=1, **config), fake_embed).fit(texts, tokens, labels)


def predict(model: IntentModel, text: str) -> np.ndarray:
    return model.predict_proba([text], [[t.text for t in tokenize(text)]])[0]


def test_predicts_and_probabilities_sum_to_one() -> None:
    model = trained()
    assert model.labels == sorted(EXAMPLES)
    for text, expected in [("สวัสดีค่ะ", "greet"), ("ขอบคุณนะครับ", "thank"), ("ทำบัตรประชาชนที่ไหน", "ask_service")]:
        p = predict(model, text)
        assert p.sum() == pytest.approx(1.0)
        assert model.labels[int(p.argmax())] == expected


def test_temperature_is_fitted_out_of_fold() -> None:
    model = trained(calibration_folds=2, default_temperature=123.0)
    assert model.temperature != 123.0
    assert 0.3 <= model.temperature <= 30.0


def test_gibberish_is_less_confident_than_a_clear_message() -> None:
    model = trained()
    assert predict(model, "zzqx").max() < predict(model, "สวัสดีครับ").max()


@pytest.mark.parametrize("text", ["", "😀😀😀", "!!!", "ก" * 5000])
def test_odd_inputs_still_give_a_distribution(text: str) -> None:
    p = predict(trained(), text)
    assert p.shape == (3,) and p.sum() == pytest.approx(1.0)


def test_pickle_drops_the_encoder_and_reattaches() -> None:
    model = trained()
    restored: IntentModel = pickle.loads(pickle.dumps(model))
    assert restored._embed is None
    restored.attach_embedder(fake_embed)
    assert np.allclose(predict(restored, "สวัสดี"), predict(model, "สวัสดี"))


def test_needs_two_intents() -> None:
    with pytest.raises(ValueError):
        IntentModel(IntentModelConfig(), fake_embed).fit(["a", "b"], [["a"], ["b"]], ["x", "x"])


@pytest.mark.parametrize("text", ["", "!!!", "zzqx wvvk", "...?"])
def test_messages_without_known_words_get_a_flat_distribution(text: str) -> None:
    model = trained()
    p = predict(model, text)
    assert p.max() < 0.5
    assert model.evidence([t.text for t in tokenize(text)]) == 0.0


def test_evidence_counts_known_content_tokens() -> None:
    model = trained(min_evidence=0.5)
    assert model.evidence(["สวัสดี", "ครับ"]) == 1.0
    assert model.evidence(["สวัสดี", "zzqx", "wvvk", "!"]) == pytest.approx(2 / 3)
