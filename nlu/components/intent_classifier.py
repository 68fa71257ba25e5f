"""ThaiIntentClassifier: Rasa's classifier interface over :class:`nlu.intent_model.IntentModel`."""

from __future__ import annotations

import logging
from dataclasses import fields
from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu import sentence_encoder
from nlu.intent_model import IntentModel, IntentModelConfig
from nlu.normalize import normalize_text

logger = logging.getLogger(__name__)

_MODEL_FILE = "intent_model.joblib"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ThaiIntentClassifier(GraphComponent, IntentClassifier):
    """Linear SVM over word and character TF-IDF plus USE embeddings, with calibrated confidences.

    It builds its own features from the ThaiTokenizer tokens instead of using Rasa featurizers:
    TF-IDF weighting and the sentence encoder are part of the model, which keeps training to a
    few seconds and the whole pipeline to three components.
    """

    @classmethod
    def required_components(cls) -> list[type]:
        """Tokens come from a tokenizer earlier in the pipeline."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Model hyper-parameters (see IntentModelConfig), ``use_embeddings`` and ``ranking_length``."""
        defaults = {f.name: f.default for f in fields(IntentModelConfig)}
        return {**defaults, "use_embeddings": True, "ranking_length": 10}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: IntentModel | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ThaiIntentClassifier:
        """An untrained classifier."""
        return cls(config, model_storage, resource)

    def _model_config(self) -> IntentModelConfig:
        return IntentModelConfig(**{f.name: self._config[f.name] for f in fields(IntentModelConfig)})

    def _embedder(self) -> Any:
        return sentence_encoder.encode if self._config["use_embeddings"] else None

    @staticmethod
    def _inputs(messages: list[Message]) -> tuple[list[str], list[list[str]]]:
        texts = [normalize_text(m.get(TEXT) or "") for m in messages]
        tokens = [[t.text for t in m.get(TOKENS_NAMES[TEXT], [])] for m in messages]
        return texts, tokens

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the intent examples and persist the model."""
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        intents = {m.get(INTENT) for m in examples}
        if len(intents) < 2:
            logger.warning(
                "ThaiIntentClassifier needs at least two intents; found %d, not trained", len(intents)
            )
            return self._resource
        texts, tokens = self._inputs(examples)
        labels = [m.get(INTENT) for m in examples]
        self._model = IntentModel(self._model_config(), self._embedder()).fit(texts, tokens, labels)
        with self._model_storage.write_to(self._resource) as model_dir:
            joblib.dump(self._model, model_dir / _MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ThaiIntentClassifier:
        """Load the persisted model (a file this project wrote itself at training time)."""
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                model: IntentModel = joblib.load(model_dir / _MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning(
                "ThaiIntentClassifier: no trained model in %s; intents will be empty", resource.name
            )
            return component
        model.attach_embedder(component._embedder())
        component._model = model
        if config["use_embeddings"]:
            sentence_encoder.warm_up()  # load the encoder with the model, not on the first message
        return component

    def process(self, messages: list[Message]) -> list[Message]:
        """Set ``intent`` and ``intent_ranking`` on each message."""
        if self._model is None or not messages:
            return messages
        texts, tokens = self._inputs(messages)
        probabilities = self._model.predict_proba(texts, tokens)
        labels = self._model.labels
        for message, row in zip(messages, probabilities, strict=True):
            ranking = sorted(
                ({"name": labels[i], "confidence": float(p)} for i, p in enumerate(row)),
                key=lambda r: -r["confidence"],
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            limit = self._config["ranking_length"]
            message.set(INTENT_RANKING_KEY, ranking[:limit] if limit > 0 else ranking, add_to_output=True)
        return messages
