"""ThaiEntityExtractor: case ids, phone numbers and national ids via :mod:`nlu.entities`."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.entities import ENTITY_TYPES, find_entities


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ThaiEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Rule-based extractor; each entity carries this extractor's name so ``rasa test nlu`` scores it.

    Values are canonical (``+66812345678``, ``1101700230708``, ``CM69-1234-5675``); a case id also
    carries ``check`` ("valid" or "bad_check") so the dialogue can answer a typo differently from
    an unknown reference.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``dimensions``: the entity types to keep (all of them by default)."""
        return {"dimensions": list(ENTITY_TYPES)}

    def __init__(self, config: dict[str, Any]) -> None:
        unknown = set(config["dimensions"]) - set(ENTITY_TYPES)
        if unknown:
            raise ValueError(f"ThaiEntityExtractor: unknown dimensions {sorted(unknown)}")
        self._dimensions = set(config["dimensions"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ThaiEntityExtractor:
        """Rasa's factory; there is nothing to train or persist."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Append the extracted entities to each message's entity list."""
        for message in messages:
            text = message.get(TEXT) or ""
            found = [e.to_rasa() for e in find_entities(text) if e.entity in self._dimensions]
            found = self.add_extractor_name(found)
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
