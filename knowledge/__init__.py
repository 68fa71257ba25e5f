"""Service knowledge base: records (record.py), SQL store (models.py, store.py), seed files (seedfile.py),
hybrid search (search/), and the `python -m knowledge` command."""
