"""The Telegram adapter: python-telegram-bot handlers around the core dialogue."""
