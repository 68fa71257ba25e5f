"""Analytics (issue 13): Rasa's broker events turned into figures with no personal data.

Rasa publishes every conversation event through its own event broker (bot/event_broker.*.yml): the
SQL event broker (a SQLite file under var/rasa/) by default, RabbitMQ when RABBITMQ_URL is set. The
events are already masked by the tracker store (rasa_plugins/tracker_store.py) on their way out. The
consumer (`python -m analytics consume`, its own process) reads them in order and writes
analytics_messages / analytics_actions: a keyed hash of the conversation, channel, intent,
confidence, fallback flag, the service being talked about, time — never an id, phone number or text.

Modules: models.py (tables), ingest.py (event -> rows, idempotent), sources.py (SQL broker table and
RabbitMQ queue readers), __main__.py (command line).
"""
