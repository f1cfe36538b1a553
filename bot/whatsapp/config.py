"""The WHATSAPP_* settings (CONTRACTS.md "Configuration"); WhatsApp is on when a token is set."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class WhatsAppSettings:
    token: str
    phone_number_id: str
    app_secret: str
    verify_token: str
    api_base_url: str = "https://graph.facebook.com"
    api_version: str = "23.0"
    max_rate: float = 80.0  # messages per second through the number (Meta's default: 80)

    def __repr__(self) -> str:  # never show the secrets
        return (f"WhatsAppSettings(phone_number_id={self.phone_number_id!r}, "
                f"api_base_url={self.api_base_url!r}, max_rate={self.max_rate})")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> WhatsAppSettings | None:
        """None when WhatsApp is not configured; ValueError naming what is missing."""
        env = dict(os.environ) if env is None else env
        token = (env.get("WHATSAPP_TOKEN") or "").strip()
        if not token:
            return None
        values = {name: (env.get(name) or "").strip() for name in (
            "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")}
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise ValueError(f"WhatsApp needs {', '.join(missing)} with WHATSAPP_TOKEN")
        return cls(token=token, phone_number_id=values["WHATSAPP_PHONE_NUMBER_ID"],
                   app_secret=values["WHATSAPP_APP_SECRET"],
                   verify_token=values["WHATSAPP_VERIFY_TOKEN"],
                   api_base_url=(env.get("WHATSAPP_API_BASE_URL") or "").strip().rstrip("/")
                   or "https://graph.facebook.com",
                   max_rate=float(env.get("WHATSAPP_MAX_RATE") or 80))
