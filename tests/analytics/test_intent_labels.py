"""Every intent of the domain has a Thai label for staff (bot/intent_labels_th.yml), and no label
names an intent the domain does not have: a new intent cannot reach the statistics page unnamed."""

from __future__ import annotations

from pathlib import Path

import yaml

from analytics.intent_labels import intent_label, intent_labels

DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "domain"
THAI = range(0x0E00, 0x0E80)


def domain_intents() -> set[str]:
    found: set[str] = set()
    for path in sorted(DOMAIN.glob("*.yml")):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("intents", []):
            found.add(entry if isinstance(entry, str) else next(iter(entry)))
    return found


def test_every_intent_of_the_domain_has_a_thai_label_and_no_label_is_stale() -> None:
    intents = domain_intents()
    assert len(intents) >= 20  # the domain was read (core, complaint, feedback, personal data)
    labels = intent_labels()
    assert sorted(intents - set(labels)) == [], "intents without a label in bot/intent_labels_th.yml"
    assert sorted(set(labels) - intents) == [], "labels for intents the domain no longer has"
    for intent, label in labels.items():
        assert any(ord(ch) in THAI for ch in label), (intent, label)
        assert label != intent


def test_an_unknown_intent_keeps_its_raw_name() -> None:
    assert intent_label("check_case_status") == "ติดตามสถานะเรื่อง"
    assert intent_label("intent_from_a_newer_model") == "intent_from_a_newer_model"
    assert intent_label(None) is None
