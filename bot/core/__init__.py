"""The core: everything Rahnuma knows, with no knowledge of Telegram, SQLite or the terminal."""
