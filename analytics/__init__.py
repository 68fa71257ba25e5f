"""Analytics (issue 13): Rasa's broker events turned into figures with no personal data.

Rasa publishes every conversation event through its own event broker (bot/event_broker.*.yml,
rasa_plugins/event_broker.py): the SQL event broker (a SQLite file under var/rasa/) by default,
RabbitMQ when RABBITMQ_URL is set. The
events are already masked by the tracker store (rasa_plugins/tracker_store.py) on their way out. The
consumer (`python -m analytics consume`, its own process) reads them in order and writes
analytics_messages / analytics_actions: a keyed hash of the conversation, channel, intent,
confidence, fallback flag, the service being talked about, time — never an id, phone number or text.

The same process reads the handover, case and notice tables by id (sources.py) and keeps hourly,
daily and monthly rollups current (rollup.py) every 2 s; measures.py computes the figures of the
dashboard, GET /staff/api/stats (staff/views/stats_api.py) and the open data from them.

Modules: models.py (tables), ingest.py (event -> rows and sessions, idempotent, turn attribution),
sources.py (handovers, cases, notices), service_agency.py (a service's agency), rollup.py (dirty hours
-> counts), measures.py (stats(), monthly()), consumer.py (the SQL broker table and RabbitMQ queue
readers, commit before ack; the table sources' loop), __main__.py (command line).
Tests: tests/analytics/ (both sources, SQLite and PostgreSQL, SIGKILL; measures against hand-computed
figures; the stats API; a no-PII scan of every analytics table), tests/e2e/test_analytics_e2e.py
(through the real Rasa), tests/rasa/test_event_brokers.py. Figures: `python -m bench.analytics.ingest`,
`python -m bench.analytics.dashboard` (bench/README.md, Analytics).
"""
