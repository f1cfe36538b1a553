"""Escalation to a human: tickets relayed both ways between the person and the staff chat."""

from __future__ import annotations

import time

from bot.core.dialogue.messages import CAPTIONED_MEDIA, Incoming, MediaRef, Outgoing, Result, StaffReply
from bot.core.dialogue.ports import Conversation, Ticket
from bot.core.dialogue.turn import LANG_NAMES, Turn
from bot.core.knowledge import Knowledge
from bot.core.markup import escape, markdown_to_html

CLOSE_COMMANDS = ("/close",)
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp"}


def show_numbers(turn: Turn, *, urgent: bool = False) -> None:
    """The helpline numbers. Urgent: only the first lines (the one thing to do), the rest
    behind "More", so that the first screen is short."""
    topic = turn.topic("helpline")
    if urgent and topic is not None and topic.lead != topic.body:
        turn.reply(markdown_to_html(topic.lead),
                   ((turn.button("📖 More", "topic:helpline"),),))
        return
    turn.reply(turn.topic_html("helpline") or escape(turn._("Helpline numbers are not available.")))


def not_available(turn: Turn, *, urgent: bool = False) -> None:
    """The honest answer when no staff chat can be reached: the numbers, and that it is so."""
    show_numbers(turn, urgent=urgent)
    turn.say("A chat with helpline staff is not available here. Please call the numbers above.",
             turn.back_to_menu())


async def start(turn: Turn, *, urgent: bool = False) -> None:
    """Numbers first; then, when a staff chat is configured (and reachable), a ticket."""
    if turn.staff_chat_id is None:
        not_available(turn, urgent=urgent)
        return
    show_numbers(turn, urgent=urgent)
    await open_ticket(turn, urgent=urgent)


async def staff_unavailable(knowledge: Knowledge, conv: Conversation, ticket: Ticket) -> Result:
    """What the person of ``ticket`` is told when the staff chat turns out to be unreachable."""
    user = await conv.load_user(ticket.user_id, ticket.chat_id)
    turn = Turn(knowledge, conv, user, ticket.lang, None)
    not_available(turn)
    return turn.result


async def open_ticket(turn: Turn, *, urgent: bool = False) -> None:
    ticket = await turn.conv.open_ticket_of(turn.user.user_id)
    if ticket is None:
        ticket = await turn.conv.open_ticket(turn.user, turn.lang, urgent=urgent)
        await turn.conv.count("tickets", "opened")
        channel = CHANNEL_NAMES.get(turn.channel, turn.channel)
        header = [f"🆘 <b>Ticket #{ticket.ref}</b> · {escape(channel)} · {LANG_NAMES[turn.lang]}"]
        if urgent:
            header[0] += " · ⚠️ URGENT"
        header.append(escape("Reply to any message of this ticket to answer; reply /close to close it."))
        turn.to_staff("\n".join(header), ticket_id=ticket.id)
    elif urgent and not ticket.urgent:
        await turn.conv.update_ticket(ticket.id, urgent=1)
        turn.to_staff(f"⚠️ <b>#{ticket.ref}</b> URGENT", ticket_id=ticket.id)
    turn.user.state = {"mode": "helpline", "ticket": ticket.id}
    turn.say("You are connected to the helpline team (ticket #{n}). Write your message here; staff "
             "will answer in this chat. Voice notes and photos are fine too.",
             ((turn.button("📋 Share my recent checks with staff", "tk:share"),),
              (turn.button("👩 I would like a woman staff member", "tk:woman"),),
              (turn.button("✖ End the chat", "tk:end"),)), n=ticket.ref)


async def relay(turn: Turn, event: Incoming) -> bool:
    """Relay a message to staff when the person is in a helpline chat. False if not."""
    if turn.user.state.get("mode") != "helpline":
        return False
    ticket = await turn.conv.open_ticket_of(turn.user.user_id)
    if ticket is None:
        turn.user.state = {}
        return False
    if turn.staff_chat_id is None:  # the staff chat cannot be reached right now: say so
        not_available(turn)
        return True
    prefix = f"<b>#{ticket.ref}</b>"
    if event.media and (event.media_ref is not None or event.message_id is None):
        # a channel that keeps the file itself (or has none: a location's text is all there is)
        turn.to_staff(f"{prefix} [{escape(event.media)}] {escape(event.text or '')}".strip(),
                      ticket_id=ticket.id, media_ref=event.media_ref)
    elif event.media and event.message_id is not None:
        source = (event.chat_id, event.message_id)
        if event.media in CAPTIONED_MEDIA:
            caption = f"{prefix} {escape(event.text or '')}".strip()
            turn.to_staff(caption, ticket_id=ticket.id, copy_of=source)
        else:  # stickers, locations, contacts, polls … cannot carry a caption
            turn.to_staff(f"{prefix} [{escape(event.media)}]", ticket_id=ticket.id)
            turn.to_staff("", ticket_id=ticket.id, copy_of=source)
    else:
        turn.to_staff(f"{prefix}\n{escape(event.text or '')}", ticket_id=ticket.id)
    await turn.conv.count("relay", "to_staff")
    return True


def offer_voice(turn: Turn, event: Incoming) -> None:
    """A voice note outside a helpline chat: offer to pass it on with one tap (many people
    cannot or will not type). The note is remembered by reference until they answer."""
    ref = event.media_ref
    turn.user.state = {"voice": {
        "media": event.media, "message_id": event.message_id, "channel": event.channel,
        "ref": [ref.channel, ref.kind, ref.ref, ref.filename, ref.mime_type] if ref else None}}
    turn.say("I cannot listen to voice notes. Shall I pass this one to the helpline team? A person "
             "there will listen and answer you here (you can also use /helpline at any time).",
             ((turn.button("✅ Yes, send it", "vn:yes"), turn.button("✖ No", "vn:no")),))


async def pass_voice(turn: Turn, *, agreed: bool) -> None:
    """The answer to :func:`offer_voice`: open a helpline chat and relay the note, or not."""
    voice = turn.user.state.get("voice")
    if not agreed or not isinstance(voice, dict):
        turn.user.state = {}
        if agreed:  # the offer is gone (they did something else since)
            turn.result.toast = turn._("That button is no longer active.")
        turn.say("All right. Write your question, or choose from the menu.", turn.menu_keyboard())
        return
    await start(turn)
    if turn.user.state.get("mode") != "helpline":
        return  # no staff chat: the numbers were shown
    ref = voice.get("ref")
    await relay(turn, Incoming(turn.user.user_id, turn.user.chat_id, media=voice.get("media") or "voice",
                               message_id=voice.get("message_id"), channel=voice.get("channel") or "telegram",
                               media_ref=MediaRef(*ref) if ref else None))
    turn.say("Your voice note was passed to the helpline team.")


async def button(turn: Turn, action: str) -> None:
    ticket = await turn.conv.open_ticket_of(turn.user.user_id)
    if ticket is None:
        turn.result.toast = turn._("This helpline chat has ended.")
        return
    if action == "share":
        turn.user.share_recent = True
        recent = await turn.conv.recent_activity(turn.user.user_id)
        lines = [f"📋 <b>#{ticket.ref}</b> recent activity (shared by the person):"]
        lines += [f"• {escape(kind)}: {escape(summary)}" for kind, summary in recent] or ["• (none)"]
        turn.to_staff("\n".join(lines), ticket_id=ticket.id)
        turn.result.toast = turn._("Shared with the helpline staff.")
    elif action == "woman":
        await turn.conv.update_ticket(ticket.id, wants_woman=1)
        turn.to_staff(f"👩 <b>#{ticket.ref}</b> asks for a woman staff member.", ticket_id=ticket.id)
        turn.say("We have asked for a woman staff member to answer you.")
    elif action == "end":
        await close(turn, ticket.id, by_user=True)


async def close(turn: Turn, ticket_id: int, *, by_user: bool) -> None:
    ticket = await turn.conv.ticket_by_id(ticket_id)
    await turn.conv.update_ticket(ticket_id, status="closed", closed_at=time.time())
    await turn.conv.count("tickets", "closed")
    if turn.user.state.get("mode") == "helpline":
        turn.user.state = {}
    ref = ticket.ref if ticket else str(ticket_id)
    turn.to_staff(f"✅ <b>#{ref}</b> closed" + (" by the person." if by_user else "."), ticket_id=ticket_id)
    turn.say("This helpline chat is closed. You can start a new one at any time with /helpline.",
             turn.back_to_menu())


async def staff_reply(turn: Turn, ticket: Ticket, event: StaffReply) -> None:
    """Deliver a staff reply to the person of `ticket` (the turn's user); /close closes it."""
    text = (event.text or "").strip()
    if ticket.status != "open":
        turn.to_staff(f"#{ticket.ref} is closed; the person can open a new chat with /helpline.")
        return
    first_word = text.split(maxsplit=1)[0].split("@")[0].lower() if text else ""
    if first_word in CLOSE_COMMANDS:
        await close(turn, ticket.id, by_user=False)
        return
    label = escape(turn._("Helpline"))
    if event.media:
        caption = f"💬 <b>{label}</b> {escape(text)}".strip() if event.media in CAPTIONED_MEDIA else ""
        turn.result.add(Outgoing(chat_id=turn.user.chat_id, text=caption,
                                 copy_of=(event.chat_id, event.message_id), media_ref=event.media_ref,
                                 lang=turn.lang))
    else:
        turn.reply(f"💬 <b>{label}:</b>\n{escape(text)}")
    await turn.conv.count("relay", "to_user")
