"""ThaiTokenizer: Rasa's tokenizer interface over :func:`nlu.tokenize.tokenize`."""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu.tokenize import dictionary_trie, tokenize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ThaiTokenizer(Tokenizer):
    """newmm word segmentation with domain words; offsets point into the text the citizen typed.

    Token text is the normalised form (Thai digits as ASCII, repeated letters collapsed) so that
    featurizers see one spelling; ``start``/``end`` still index the original message, which is
    what Rasa uses to align entity annotations with tokens.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's standard tokenizer options (intent names are split on ``_`` only if asked)."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        dictionary_trie()  # build the word trie at graph construction, not on the first message

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokens of one message attribute (text or action text)."""
        text = message.get(attribute) or ""
        tokens = [Token(t.text, t.start, t.end) for t in tokenize(text)]
        return self._apply_token_pattern(tokens)
