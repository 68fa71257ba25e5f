"""Case registry: citizens' applications and complaints, the agency API, and proactive notices.

Agencies create and move cases over `/api/v1` (cases.api); every status change writes its
notifications into an outbox in the same transaction (cases.registry), and a worker delivers them
through the gateway's channel adapters (cases.worker, channels.delivery; never an HTTP call of its own).
"""
