"""Delivery rules every channel shares: the send rate all instances keep together."""

from bot.delivery.pace import SharedPace

__all__ = ["SharedPace"]
