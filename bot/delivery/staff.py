"""The staff chat as delivery knows it, whichever channel the people it serves write on.

Its current id (a group that became a supergroup is followed) and whether the bot can post
there. Its troubles are told to the people waiting and to admins, never silent: when it cannot
be reached (the bot was removed, the id is wrong) nothing is dropped, it is tried again every
``probe_seconds``, each person with a ticket waiting hears so once (``tell_people``), admins are
alerted (``alert``) and :meth:`StaffChat.health` goes red; when it can be reached again, admins
hear that too. The channel that sends to it (Telegram's outbox) reports what it saw.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from bot.core.dialogue.messages import Outgoing
from bot.storage import Store

log = logging.getLogger(__name__)
PROBE_SECONDS = 60.0  # an unreachable staff chat is tried again this often
STAFF_WINDOW = 500  # waiting staff-chat messages looked at (the next ticket, who waits)


class StaffChat:
    """``listeners`` are told when the id or the reachability changes."""

    def __init__(self, chat_id: int | None, *, probe_seconds: float = PROBE_SECONDS) -> None:
        self.id = chat_id
        self.reachable = True
        self.problem = ""
        self.listeners: list[Callable[[StaffChat], None]] = []
        self.probe_seconds = probe_seconds
        self.tell_people: Callable[[list[int]], Awaitable[None]] | None = None  # these tickets' people
        self.alert: Callable[[str], Awaitable[None]] | None = None  # admins
        self._told: set[int] = set()  # tickets whose person was told the staff chat is down
        self._probe_at = 0.0  # when an unreachable staff chat is tried again

    def set(self, *, chat_id: int | None = None, reachable: bool | None = None, problem: str = "") -> None:
        if chat_id is not None:
            self.id = chat_id
        if reachable is not None:
            self.reachable = reachable
            self.problem = "" if reachable else problem
        for listener in self.listeners:
            listener(self)

    def health(self) -> list[str]:
        return [] if self.reachable else [f"staff chat unreachable: {self.problem}"]

    def held_back(self) -> bool:
        """Unreachable, and not yet due to be tried again (with the message at the head)."""
        return not self.reachable and time.monotonic() < self._probe_at

    async def unreachable(self, store: Store, error: str) -> None:
        """A send was refused because the bot cannot post there."""
        self._probe_at = time.monotonic() + self.probe_seconds
        if not self.reachable:
            return  # still unreachable: everyone concerned was told already
        log.error("staff chat unreachable: %s", error)
        self.set(reachable=False, problem=error)
        await self._alert(f"⚠️ The helpline staff chat cannot be reached ({error}). People who ask for "
                          "the helpline are given the phone numbers instead. Add the bot to the group "
                          "again, or fix HELPLINE_CHAT_ID.")
        await self.tell_waiting(store)

    async def tell_waiting(self, store: Store) -> None:
        """Each ticket with messages waiting for the unreachable staff chat: its person is told (once)."""
        if self.id is None or self.tell_people is None:
            return
        waiting = {m.ticket_id for m in await store.pending(self.id, STAFF_WINDOW) if m.ticket_id}
        new = sorted(waiting - self._told)
        self._told |= set(new)
        if new:
            await self.tell_people(new)

    async def delivered(self) -> None:
        """A send went through."""
        if self.reachable:
            return
        log.warning("staff chat reachable again")
        self._told.clear()
        self.set(reachable=True)
        await self._alert("✅ The helpline staff chat can be reached again; chats are relayed there again.")

    async def moved(self, new: int) -> None:
        """The staff group became a supergroup, now ``new``."""
        self.set(chat_id=new)
        await self._alert(f"ℹ️ The staff group became a supergroup. The bot now posts to {new}; please "
                          f"set HELPLINE_CHAT_ID={new}.")

    async def tell(self, store: Store, chat_id: int, text: str, *, icon: str = "⚠️") -> set[int]:
        """Tell staff about the open ticket of ``chat_id`` (if any); returns the chats queued."""
        ticket = None if self.id is None else await store.open_ticket_for_chat(chat_id)
        if ticket is None or self.id is None:
            return set()
        return await store.enqueue([Outgoing(self.id, f"{icon} <b>#{ticket.ref}</b>: {text}",
                                             ticket_id=ticket.id)])

    async def _alert(self, text: str) -> None:
        if self.alert is not None:
            await self.alert(text)
