"""Settings from the environment (and a `.env` file in the working directory)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv


def _int_set(raw: str | None) -> frozenset[int]:
    ids: set[int] = set()
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            ids.add(int(part))
    return frozenset(ids)


def _optional_int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.lstrip("-").isdigit() else None


def _notice_urls(env: dict[str, str]) -> tuple[str, ...]:
    from bot.core.agencies import notice_urls_from_env

    return notice_urls_from_env(env)


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Secrets (the token) come only from here and are never logged."""

    token: str | None = None
    api_base_url: str | None = None
    helpline_chat_id: int | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    data_dir: Path = Path("data")
    content_dir: Path = Path("content")
    agencies_file: Path = Path("content/agencies.csv")
    max_rate: float = 30.0
    retention_days: int = 90
    user_flood_per_minute: int = 20
    agencies_url: str | None = None  # the BE&OE list page for /update_agencies; None: the site's own
    agencies_update_at: str | None = None  # "HH:MM" (UTC): fetch the list daily; unset: only on request
    # AGENCIES_NOTICES_URL, AGENCIES_COMPLAINTS_URL: BE&OE notice and complaint-result pages that
    # every update fetches too (one or more addresses each); unset: notices are not fetched
    agencies_notices_urls: tuple[str, ...] = ()
    database_url: str | None = None  # PostgreSQL for every instance (a password: never shown); unset: SQLite
    host: str = "127.0.0.1"  # where `serve` listens
    port: int = 8080
    webhook_secret: str | None = None  # TELEGRAM_WEBHOOK_SECRET: Telegram sends it in every webhook call
    webhook_url: str | None = None  # TELEGRAM_WEBHOOK_URL: registered with setWebhook by `serve`

    @property
    def database_path(self) -> Path:
        return self.data_dir / "rahnuma.sqlite3"

    def __repr__(self) -> str:  # never show the token, the webhook secret or the database password
        hidden = ("token", "webhook_secret", "database_url")
        shown = {k: v for k, v in self.__dict__.items() if k not in hidden}
        flags = ", ".join(f"{k}={'set' if getattr(self, k) else 'unset'}" for k in hidden)
        return f"Settings({flags}, {shown})"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        if env is None:
            if dotenv:
                load_dotenv(Path.cwd() / ".env", override=False)
            env = dict(os.environ)
        content_dir = Path(env.get("CONTENT_DIR") or "content")
        return cls(
            token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
            api_base_url=(env.get("TELEGRAM_API_BASE_URL") or "").strip() or None,
            helpline_chat_id=_optional_int(env.get("HELPLINE_CHAT_ID")),
            admin_ids=_int_set(env.get("ADMIN_IDS")),
            data_dir=Path(env.get("DATA_DIR") or "data"),
            content_dir=content_dir,
            agencies_file=Path(env.get("AGENCIES_FILE") or content_dir / "agencies.csv"),
            max_rate=float(env.get("TELEGRAM_MAX_RATE") or 30),
            retention_days=int(env.get("RETENTION_DAYS") or 90),
            user_flood_per_minute=int(env.get("USER_FLOOD_PER_MINUTE") or 20),
            agencies_url=(env.get("AGENCIES_URL") or "").strip() or None,
            agencies_update_at=(env.get("AGENCIES_UPDATE_AT") or "").strip() or None,
            agencies_notices_urls=_notice_urls(env),
            database_url=(env.get("DATABASE_URL") or "").strip() or None,
            host=(env.get("HOST") or "").strip() or "127.0.0.1",
            port=int(env.get("PORT") or 8080),
            webhook_secret=(env.get("TELEGRAM_WEBHOOK_SECRET") or "").strip() or None,
            webhook_url=(env.get("TELEGRAM_WEBHOOK_URL") or "").strip() or None,
        )
