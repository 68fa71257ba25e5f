"""SMS adapter: provider-neutral (generic HMAC-signed aggregator, Twilio-compatible), Thai UCS-2 aware."""
