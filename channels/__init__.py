"""The internet-facing gateway: one adapter per channel (LINE, SMS, web chat) behind one interface."""
