"""The rasa-sdk action server (Python 3.11): `python -m actions`.

Rasa 3.6.21 calls it over HTTP on loopback. Modules with actions are listed explicitly in
actions/registry.py; each builds its actions once at start-up from an ActionContext.
"""
