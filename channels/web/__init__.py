"""Web chat: an embeddable widget talking to the gateway over a WebSocket (see protocol.py)."""
