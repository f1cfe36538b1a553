"""The conversation router: every event from a person (or from staff) becomes replies.

It knows nothing of Telegram or SQLite: the caller passes a :class:`Conversation` (one unit
of work) and delivers the :class:`Result`'s messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.core.agencies.matcher import CheckResult
from bot.core.dialogue import helpline, report, safety, watch
from bot.core.dialogue.messages import Button, Incoming, Outgoing, Result, StaffReply
from bot.core.dialogue.ports import Conversation, UserRecord
from bot.core.dialogue.turn import LANG_NAMES, Turn
from bot.core.i18n import N_, translator
from bot.core.knowledge import Knowledge
from bot.core.language import detect_language
from bot.core.languages import LANGUAGES, language_for_code
from bot.core.markup import escape, markdown_to_html
from bot.core.reading import Reading, reply_language
from bot.core.text import clean, match_words
from bot.core.verdict_text import render_check

LANGS = LANGUAGES  # old name
MAX_TEXT = 4096
MENU_COMMANDS = ("check", "helpline", "report", "safety", "language")
# A message that is only the word "helpline" is the /helpline command, on every channel
# (WhatsApp has no commands; people type the word they see in the menu).
HELPLINE_WORDS = frozenset(tuple(match_words(word)) for word in (
    "helpline", "help line", "ہیلپ لائن", "ہیلپلائن", "هيلپ لائن"))
VOICE_MEDIA = ("voice", "audio")  # offered to the helpline outside a helpline chat
GUESS_FLOOR = 0.1  # below the answer threshold, still worth offering as a button
URGENT_ANSWER_FLOOR = 0.35  # after the helpline, an urgent message's topic only when it clearly fits
# The short reply to small talk (content/small_talk.yaml kinds), then the menu.
SMALL_TALK_REPLIES = {
    "salam": N_("Wa alaikum assalam! I am Rahnuma. How can I help you?"),
    "greeting": N_("Hello! I am Rahnuma. How can I help you?"),
    "how_are_you": N_("I am well, thank you for asking. How can I help you?"),
    "thanks": N_("You are welcome. I am here whenever you need me."),
    "goodbye": N_("Take care. You can write to me at any time."),
    "ok": N_("Good. What would you like to do next?"),
}


def chosen_language(user: UserRecord, language_code: str | None) -> str:
    """The person's saved language, else Telegram's language for them, else the default."""
    return user.lang if user.lang in LANGUAGES else language_for_code(language_code)  # type: ignore[return-value]


def choose_language(user: UserRecord, text: str | None, language_code: str | None) -> str:
    """The language the text is written in when clear, else the saved one (`reply_language`)."""
    chosen = chosen_language(user, language_code)
    return reply_language(detect_language(text), chosen) if text else chosen


class Dialogue:
    def __init__(self, knowledge: Callable[[], Knowledge], staff_chat_id: int | None) -> None:
        self._knowledge = knowledge
        self.staff_chat_id = staff_chat_id

    async def handle(self, conv: Conversation, event: Incoming) -> Result:
        user = await conv.load_user(event.user_id, event.chat_id)
        text = clean(event.text or "", max_len=MAX_TEXT) if event.text else ""
        knowledge = self._knowledge()
        reading = None
        if event.button is None and event.command is None and event.media is None and text:
            reading = knowledge.reader.read(text, chosen_language(user, event.language_code),
                                            expect_agency=user.state.get("mode") == "check")
            lang = reading.lang
        else:
            lang_source = text if not event.command else clean(event.args or "")
            lang = choose_language(user, lang_source, event.language_code)
        if user.lang is None:
            user.lang = lang
        turn = Turn(knowledge, conv, user, lang, self.staff_chat_id, channel=event.channel)
        deleted = False
        if event.button is not None:
            deleted = await self._button(turn, event.button)
        elif event.command is not None:
            deleted = await self._command(turn, event)
        elif tuple(match_words(text.lstrip("/"))) in HELPLINE_WORDS:
            await self._command(turn, replace(event, command="helpline", text=None))
        elif event.media is not None:
            await self._media(turn, event)
        else:
            await self._text(turn, event, text, reading)
        if not deleted:
            await conv.save_user(turn.user)
        return turn.result

    async def handle_staff(self, conv: Conversation, event: StaffReply) -> Result:
        """A reply in the staff chat. Not part of a ticket: staff are told so."""
        # Only the recorded relay map routes a reply: never a number in the text.
        ticket = await conv.ticket_for_staff_message(event.chat_id, event.reply_to_message_id)
        if ticket is None:
            result = Result()
            if self.staff_chat_id is not None:
                result.add(Outgoing(self.staff_chat_id, escape(
                    "That message is not part of a ticket. Reply to a relayed message to answer.")))
            return result
        user = await conv.load_user(ticket.user_id, ticket.chat_id)
        turn = Turn(self._knowledge(), conv, user, ticket.lang, self.staff_chat_id)
        await helpline.staff_reply(turn, ticket, event)
        await conv.save_user(turn.user)
        return turn.result

    # --- commands ----------------------------------------------------------------------

    async def _command(self, turn: Turn, event: Incoming) -> bool:
        command, args = event.command, clean(event.args or "", max_len=MAX_TEXT)
        if command == "start":
            self._start(turn)
        elif command == "help":
            self._help(turn)
        elif command == "check" and args:
            await self._check(turn, args)
        elif command in MENU_COMMANDS:
            await self._menu(turn, command)  # the same as the menu button
        elif command == "privacy":
            self._privacy(turn)
        elif command == "delete_my_data":
            turn.say("This deletes everything Rahnuma stores about you: language, reports, helpline "
                     "chats and the agencies you watch. It cannot be undone. Delete now?",
                     ((turn.button("🗑 Yes, delete my data", "del:yes"),),
                      (turn.button("✖ No, keep it", "del:no"),)))
        elif command == "cancel":
            await self._cancel(turn)
        else:
            turn.say("I don't know that command.")
            self._help(turn)
        return False

    def _start(self, turn: Turn) -> None:
        if turn.user.is_new:
            turn.reply("السلام علیکم · Welcome · ڀلي ڪري آيا\n\n"
                       + self._choose_language_prompt(), self._language_buttons())
            return
        turn.user.state = {}
        turn.say("Rahnuma helps you go abroad for work safely: check a recruiter's licence, learn the "
                 "legal steps, and reach the helpline. What would you like to do?",
                 turn.menu_keyboard())

    def _help(self, turn: Turn) -> None:
        turn.say("You can write a question in Urdu, Sindhi or English, or send a licence number "
                 "(like 1234/LHR) or phone number to check a recruiter.\n\n"
                 "/check – check a recruiter\n/helpline – talk to the helpline\n"
                 "/report – report a recruiter\n/language – change language\n"
                 "/privacy – what we store\n/delete_my_data – delete your data\n"
                 "/cancel – stop what you are doing", turn.menu_keyboard())

    def _choose_language_prompt(self) -> str:
        """In every language: the person may not read the one we guessed."""
        return "\n".join(escape(translator(lang).gettext("Please choose your language:"))
                         for lang in LANGS)

    def _language_buttons(self) -> tuple[tuple[Button, ...], ...]:
        return tuple((Button(name, f"lang:{code}"),) for code, name in LANG_NAMES.items())

    def _language_menu(self, turn: Turn) -> None:
        turn.reply(self._choose_language_prompt(), self._language_buttons())

    def _privacy(self, turn: Turn) -> None:
        turn.reply(turn.topic_html("privacy") or escape(turn._("Privacy information is not available.")),
                   turn.back_to_menu())

    async def _cancel(self, turn: Turn) -> None:
        mode = turn.user.state.get("mode")
        if mode == "helpline":
            ticket = await turn.conv.open_ticket_of(turn.user.user_id)
            if ticket is not None:
                await helpline.close(turn, ticket.id, by_user=True)
                return
        turn.user.state = {}
        turn.say("Stopped. What would you like to do?", turn.menu_keyboard())

    # --- buttons -----------------------------------------------------------------------

    async def _button(self, turn: Turn, data: str) -> bool:
        kind, _, rest = data.partition(":")
        if kind == "lang" and rest in LANGS:
            turn.user.lang = turn.lang = rest
            turn.user.state = {}
            turn.say("Language set.")
            self._start_menu(turn)
        elif kind == "menu":
            await self._menu(turn, rest)
        elif kind == "topic" and turn.topic(rest):
            self._topic(turn, rest)
        elif kind == "more" and turn.topic(rest):
            self._more(turn, rest)
        elif kind == "sc" and rest.count(":") == 1:
            safety.answer(turn, *rest.split(":"))
        elif kind == "vn" and rest in ("yes", "no"):
            await helpline.pass_voice(turn, agreed=rest == "yes")
        elif kind == "tk" and rest in ("share", "woman", "end"):
            await helpline.button(turn, rest)
        elif kind == "rp" and rest.startswith("skip:"):
            await report.receive(turn, None, skip_step=rest.removeprefix("skip:"))
        elif kind == "del" and rest in ("yes", "no"):
            return await self._delete(turn, confirmed=rest == "yes")
        elif kind == "w" and rest:
            await watch.press(turn, rest)
        elif kind == "wu" and rest:
            await watch.stop(turn, rest)
        elif kind == "wc" and rest:
            await self._check(turn, rest)
        else:
            turn.result.toast = turn._("That button is no longer active.")
            turn.say("That button is old. Here is the menu:", turn.menu_keyboard())
        return False

    def _start_menu(self, turn: Turn) -> None:
        turn.user.is_new = False
        self._start(turn)

    async def _menu(self, turn: Turn, item: str) -> None:
        if item == "check":
            self._ask_for_agency(turn)
        elif item == "ask":
            turn.user.state = {}
            turn.say("Write your question in your own words, in Urdu, Sindhi or English.")
        elif item == "safety":
            safety.start(turn)
        elif item == "helpline":
            await helpline.start(turn)
        elif item == "report":
            report.start(turn)
        elif item == "language":
            self._language_menu(turn)
        else:
            turn.user.state = {}
            self._start_menu(turn)

    async def _delete(self, turn: Turn, *, confirmed: bool) -> bool:
        if not confirmed:
            turn.say("Nothing was deleted.", turn.back_to_menu())
            return False
        await turn.conv.remove_watch(turn.user.user_id, None)
        tickets = await turn.conv.delete_user_data(turn.user.user_id)
        for ticket_id in tickets:
            turn.to_staff(f"🗑 #{ticket_id}: the person deleted their data. This ticket is gone; "
                          "replies to it will not be delivered.")
        turn.say("Your data has been deleted. If you write again, we start fresh.")
        return True

    # --- text and media ----------------------------------------------------------------

    async def _media(self, turn: Turn, event: Incoming) -> None:
        if await helpline.relay(turn, event):
            return
        if event.media in VOICE_MEDIA:
            helpline.offer_voice(turn, event)
            return
        turn.say("I can only read text messages. Please write your question, or send a licence "
                 "number. To send photos or voice notes to a person, use /helpline.",
                 turn.menu_keyboard())

    async def _text(self, turn: Turn, event: Incoming, text: str, reading: Reading | None) -> None:
        if not text or reading is None:
            turn.say("Your message was empty. Write a question, or choose from the menu.",
                     turn.menu_keyboard())
            return
        if reading.urgent:
            await turn.conv.count("urgent", turn.lang)
        if await helpline.relay(turn, event):
            if reading.urgent:
                await self._flag_urgent(turn)
            return
        mode = turn.user.state.get("mode")
        if mode == "report":
            await report.receive(turn, text)
            return
        if reading.urgent:
            await self._urgent(turn, event, reading)
            return
        if mode == "safety" and safety.typed(turn, text):  # "haan", "نہیں" … like the buttons
            return
        if mode == "check":
            turn.user.state = {}   # the name asked for came, or something else did
        if reading.intent == "small_talk":
            self._small_talk(turn, reading.small_talk or "ok")
        elif reading.intent == "agency":
            await self._check(turn, text)
        else:
            await self._answer(turn, reading)

    async def _urgent(self, turn: Turn, event: Incoming, reading: Reading) -> None:
        """The helpline first; then the answer to the question, when there is one."""
        turn.say("⚠️ It sounds like you may be in danger. You are not alone: please contact the "
                 "helpline now.")
        await helpline.start(turn, urgent=True)
        await helpline.relay(turn, event)   # staff see what was written (when a chat is open)
        answer = reading.answer
        if reading.intent == "agency":
            await self._check(turn, reading.text)   # "agent 1234/LHR took my passport"
        elif reading.intent == "question" and reading.topic_id not in (None, "helpline") \
                and answer is not None and answer.score >= URGENT_ANSWER_FLOOR:
            await self._answer(turn, reading, helpline_shown=True)

    async def _flag_urgent(self, turn: Turn) -> None:
        """A message relayed in a helpline chat reads as urgent: the ticket is flagged, and the
        relayed message itself says so to staff (no extra message), the first time."""
        ticket = await turn.conv.open_ticket_of(turn.user.user_id)
        if ticket is None or ticket.urgent:
            return
        await turn.conv.update_ticket(ticket.id, urgent=1)
        messages = turn.result.messages
        for i in range(len(messages) - 1, -1, -1):
            if messages[i].ticket_id == ticket.id and messages[i].text:
                messages[i] = replace(messages[i], text="⚠️ URGENT " + messages[i].text)
                return

    def _small_talk(self, turn: Turn, kind: str) -> None:
        turn.say(SMALL_TALK_REPLIES.get(kind, SMALL_TALK_REPLIES["ok"]), turn.menu_keyboard())

    def _ask_for_agency(self, turn: Turn) -> None:
        turn.user.state = {"mode": "check"}
        turn.say("Send me the agency's name, licence number (like 1234/LHR) or phone number.")

    async def _check(self, turn: Turn, text: str, result: CheckResult | None = None) -> None:
        result = result or turn.knowledge.matcher.check(text)
        await turn.conv.count("verdict", result.verdict)
        await turn.conv.count("lang", turn.lang)
        await turn.conv.add_activity(turn.user.user_id, "check", f"{text[:60]} → {result.verdict}")
        buttons: list[tuple[Button, ...]] = []
        watch_button = watch.offer(turn, result)
        if watch_button is not None:
            buttons.append((watch_button,))
        if result.verdict not in ("licensed",):
            buttons.append((turn.button("📝 Report a recruiter", "menu:report"),))
            buttons.append((turn.button("☎️ Talk to the helpline", "menu:helpline"),))
        buttons.append((turn.button("🔎 Check another", "menu:check"),
                        turn.button("☰ Menu", "menu:main")))
        turn.reply(render_check(result, turn.lang), tuple(buttons))

    async def _answer(self, turn: Turn, reading: Reading, *, helpline_shown: bool = False) -> None:
        answer = reading.answer
        await turn.conv.count("lang", turn.lang)
        if reading.intent == "question" and answer is not None and answer.topic is not None:
            topic_id = answer.topic.id
            await turn.conv.count("topic", topic_id)
            await turn.conv.add_activity(turn.user.user_id, "question", topic_id)
            offers = [t for t in (*answer.also, *reading.countries) if t != topic_id]
            self._topic(turn, topic_id, offers)
            return
        await turn.conv.count("topic", "(none)")
        if reading.intent == "off_topic":
            turn.say("I can only help with working abroad safely: recruiters, documents, your rights "
                     "abroad and the helpline. Please choose from the menu.", turn.menu_keyboard())
            return
        guesses = [turn.topic(topic_id) for topic_id, score in (answer.candidates[:3] if answer else ())
                   if score >= GUESS_FLOOR]
        guesses += [turn.topic(topic_id) for topic_id in reading.countries]  # the country's guide
        helpline_row = () if helpline_shown else (turn.button("☎️ Talk to the helpline", "menu:helpline"),)
        if guesses:
            buttons = tuple((Button("❓ " + t.title, f"topic:{t.id}"),) for t in guesses if t)
            turn.say("I am not sure I understood. Is your question about one of these? If not, the "
                     "helpline can help with your situation.",
                     (*buttons, *((helpline_row,) if helpline_row else ()),
                      (turn.button("☰ Menu", "menu:main"),)))
            return
        turn.say("Sorry, I don't have an answer to that. Choose a topic from the menu, or talk to "
                 "the helpline.", turn.menu_keyboard())

    def _topic(self, turn: Turn, topic_id: str, offers: list[str] | None = None) -> None:
        """A topic's answer; `offers`: other topics the message also needs (first buttons)."""
        topic = turn.topic(topic_id)
        if topic is None:
            return
        buttons: list[tuple[Button, ...]] = []
        shown = {topic_id}
        for other_id in offers or ():
            other = turn.topic(other_id)
            if other is not None and other_id not in shown:
                shown.add(other_id)
                buttons.append((Button("➡️ " + other.title, f"topic:{other_id}"),))
        if topic.more.strip():
            buttons.append((turn.button("📖 More", f"more:{topic_id}"),))
        for related in [r for r in topic.related if r not in shown][:3]:
            other = turn.topic(related)
            if other is not None:
                buttons.append((Button("➡️ " + other.title, f"topic:{related}"),))
        buttons.append((turn.button("☰ Menu", "menu:main"),))
        turn.reply(turn.topic_html(topic_id) or "", tuple(buttons))

    def _more(self, turn: Turn, topic_id: str) -> None:
        topic = turn.topic(topic_id)
        if topic is None:
            return
        sources = [f"• {escape(s.title or s.url or '')}"
                   + (f" ({escape(str(s.checked))})" if s.checked else "") for s in topic.sources]
        text = f"<b>{escape(topic.title)}</b>\n\n{markdown_to_html(topic.more)}"
        if sources:
            text += f"\n\n<b>{escape(turn._('Sources'))}</b>\n" + "\n".join(sources)
        turn.reply(text, turn.back_to_menu())
