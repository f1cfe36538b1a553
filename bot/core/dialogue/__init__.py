"""The conversation, independent of Telegram: events in, messages out, state in a store."""
