"""Delivery rules every channel shares: each chat's messages in order by one sender at a time
(leases across instances), the staff chat's turns per ticket and its troubles, and the send
rate all instances keep together; and telling watchers, paced by that delivery. A channel
supplies only the sending itself."""

from bot.delivery.pace import SharedPace
from bot.delivery.senders import LEASE_SECONDS, MAX_BACKOFF, ChatSenders, Queue
from bot.delivery.staff import StaffChat
from bot.delivery.turns import TicketTurns
from bot.delivery.watchers import WatchNotifier

__all__ = ["LEASE_SECONDS", "MAX_BACKOFF", "ChatSenders", "Queue", "SharedPace", "StaffChat", "TicketTurns",
           "WatchNotifier"]
