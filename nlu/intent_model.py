"""The intent model behind ThaiIntentClassifier: a linear SVM over three views of a message.

Word n-grams (PyThaiNLP tokens) catch key phrases, character n-grams survive typos and the
spelling variety of chat Thai, and multilingual USE embeddings carry meaning across paraphrases
and code-mixing. A linear SVM trains in seconds on the bot's data and on the 13k-sentence
truevoice benchmark, where it beats Rasa's DIET at a fraction of the cost. SVM margins are not
probabilities, so they go through a softmax whose temperature is fitted on out-of-fold margins:
that keeps the FallbackClassifier threshold meaningful.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)

Embedder = Callable[[list[str]], np.ndarray]
WORD_DELIMITER = "\x1f"
_MIN_SCALE = 0.02


def split_tokens(doc: str) -> list[str]:
    """Undo the join done in :meth:`IntentModel._word_docs` (module level so models pickle)."""
    return [t for t in doc.split(WORD_DELIMITER) if t]


@dataclass
class IntentModelConfig:
    """Hyper-parameters; the defaults were chosen by cross-validation (see bench/README.md)."""

    word_ngram_max: int = 2
    char_ngram_min: int = 1
    char_ngram_max: int = 4
    char_analyzer: str = "char_wb"
    char_min_df: int = 2
    word_weight: float = 1.0
    char_weight: float = 1.0
    embedding_weight: float = 1.0
    c: float = 0.5
    calibration_folds: int = 3
    default_temperature: float = 3.0
    min_evidence: float = 0.3


class IntentModel:
    """Fit on (text, tokens, label) triples; predict a probability for every label.

    A message whose words the model has never seen (empty text, only punctuation, keyboard
    mashing) would still get a confident answer from the intercepts and the sentence encoder;
    so the margins are scaled by the share of its content tokens that are in the training
    vocabulary (full weight from ``min_evidence`` up), which lets the FallbackClassifier catch it.
    """

    def __init__(self, config: IntentModelConfig, embed: Embedder | None) -> None:
        self.config = config
        self.labels: list[str] = []
        self.temperature = config.default_temperature
        self._word = TfidfVectorizer(
            tokenizer=split_tokens,
            token_pattern=None,
            lowercase=True,
            ngram_range=(1, config.word_ngram_max),
            sublinear_tf=True,
            min_df=1,
        )
        self._char = TfidfVectorizer(
            analyzer=config.char_analyzer,
            lowercase=True,
            ngram_range=(config.char_ngram_min, config.char_ngram_max),
            sublinear_tf=True,
            min_df=config.char_min_df,
        )
        self._svm: LinearSVC | None = None
        self._embed = embed
        self._known_words: frozenset[str] = frozenset()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_embed"] = None  # the encoder is process-wide state, re-attached after loading
        return state

    def attach_embedder(self, embed: Embedder | None) -> None:
        """Give a loaded model its sentence encoder back."""
        self._embed = embed

    @staticmethod
    def _word_docs(tokens: Sequence[Sequence[str]]) -> list[str]:
        return [WORD_DELIMITER.join(t) for t in tokens]

    @staticmethod
    def _char_docs(tokens: Sequence[Sequence[str]]) -> list[str]:
        return [" ".join(t) for t in tokens]

    def _features(self, texts: list[str], tokens: Sequence[Sequence[str]], fit: bool) -> sp.csr_matrix:
        word_docs, char_docs = self._word_docs(tokens), self._char_docs(tokens)
        if fit:
            blocks = [self._word.fit_transform(word_docs), self._char.fit_transform(char_docs)]
        else:
            blocks = [self._word.transform(word_docs), self._char.transform(char_docs)]
        blocks = [blocks[0] * self.config.word_weight, blocks[1] * self.config.char_weight]
        if self._embed is not None and self.config.embedding_weight > 0:
            dense = self._embed(texts) * self.config.embedding_weight
            blocks.append(sp.csr_matrix(dense))
        return sp.hstack(blocks, format="csr")

    def fit(self, texts: list[str], tokens: Sequence[Sequence[str]], labels: list[str]) -> IntentModel:
        """Train the SVM, then fit the softmax temperature on out-of-fold margins."""
        self.labels = sorted(set(labels))
        if len(self.labels) < 2:
            raise ValueError("an intent classifier needs at least two intents")
        x = self._features(texts, tokens, fit=True)
        y = np.array([self.labels.index(label) for label in labels])
        self._known_words = frozenset(w for w in self._word.vocabulary_ if " " not in w)
        self._svm = LinearSVC(C=self.config.c).fit(x, y)
        self.temperature = self._fit_temperature(x, y)
        return self

    def _fit_temperature(self, x: sp.csr_matrix, y: np.ndarray) -> float:
        folds = self.config.calibration_folds
        if folds < 2 or np.bincount(y).min() < folds:
            return self.config.default_temperature
        margins = np.zeros((len(y), len(self.labels)))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        for train, held_out in splitter.split(x, y):
            svm = LinearSVC(C=self.config.c).fit(x[train], y[train])
            margins[held_out] = self._margins(svm, x[held_out])
        candidates = np.exp(np.linspace(np.log(0.3), np.log(30.0), 60))
        losses = [_log_loss(_softmax(margins * t), y) for t in candidates]
        best = float(candidates[int(np.argmin(losses))])
        logger.debug("Intent softmax temperature %.2f (out-of-fold log loss %.3f)", best, min(losses))
        return best

    def _margins(self, svm: LinearSVC, x: sp.csr_matrix) -> np.ndarray:
        scores = svm.decision_function(x)
        if scores.ndim == 1:  # binary: sklearn gives one margin for the positive class
            scores = np.stack([-scores, scores], axis=1)
        return scores

    def predict_proba(self, texts: list[str], tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """Probabilities, shape (n, len(self.labels))."""
        if self._svm is None:
            raise RuntimeError("the intent model is not trained")
        margins = self._margins(self._svm, self._features(texts, tokens, fit=False))
        # A small floor keeps the SVM's ranking even when the evidence is nil.
        scale = np.maximum(np.array([self.evidence(t) for t in tokens]), _MIN_SCALE)[:, None]
        return _softmax(margins * self.temperature * scale)

    def evidence(self, tokens: Sequence[str]) -> float:
        """How much of the message the model knows: 0 (nothing) .. 1 (enough), see the class doc."""
        content = [t.lower() for t in tokens if _is_content(t)]
        if not content:
            return 0.0
        known = sum(t in self._known_words for t in content) / len(content)
        return min(1.0, known / self.config.min_evidence) if self.config.min_evidence > 0 else 1.0


def _is_content(token: str) -> bool:
    """Letters, digits or emoji; punctuation alone carries no intent."""
    return any(ch.isalnum() or unicodedata.category(ch) == "So" for ch in token)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None))))
