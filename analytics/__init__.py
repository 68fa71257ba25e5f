"""Analytics (issue 13): Rasa's broker events turned into figures with no personal data.

Rasa publishes every conversation event through its own event broker (bot/event_broker.*.yml,
rasa_plugins/event_broker.py): the SQL event broker (a SQLite file under var/rasa/) by default,
RabbitMQ when RABBITMQ_URL is set. The
events are already masked by the tracker store (rasa_plugins/tracker_store.py) on their way out. The
consumer (`python -m analytics consume`, its own process) reads them in order and writes
analytics_messages / analytics_actions: a keyed hash of the conversation, channel, intent,
confidence, fallback flag, the service being talked about, time — never an id, phone number or text.

Modules: models.py (tables), ingest.py (event -> rows, idempotent, turn attribution), consumer.py (the
SQL broker table and RabbitMQ queue readers, commit before ack), __main__.py (command line).
Tests: tests/analytics/ (both sources, SQLite and PostgreSQL, SIGKILL), tests/e2e/test_analytics_e2e.py
(through the real Rasa), tests/rasa/test_event_brokers.py. Figures: `python -m bench.analytics.ingest`.
"""
