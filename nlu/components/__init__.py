"""Rasa 3.6 graph components: thin wrappers that feed Rasa messages to the pure NLU functions.

Referenced from config.yml by module path, e.g. ``nlu.components.tokenizer.ThaiTokenizer``.
"""
