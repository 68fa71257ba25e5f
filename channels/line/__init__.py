"""LINE Messaging API adapter: signed webhooks in, reply/push out, through the official line-bot-sdk v3."""
