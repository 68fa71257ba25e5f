"""What an operator watches (issue 15): request ids carried across processes and JSON logs.

A citizen's message crosses three processes — gateway, Rasa, action server — and often two replicas
of each. One id per inbound request (`request_id.py`), written on every log line of every process
that handles it (`logs.py`), lets an operator follow one message through all of them without
logging who sent it or what it said. Prometheus metrics live with each process
(`channels/metrics.py`, `actions/metrics.py`): they name routes, channels and outcomes, never people.
"""
