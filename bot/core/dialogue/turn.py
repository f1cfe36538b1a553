"""One turn of the conversation: who, in which language, with what, and the replies so far."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.content.topics import Topic
from bot.core.dialogue.labels import LANGUAGE_BUTTON_SHORT, SHORT
from bot.core.dialogue.messages import Button, Keyboard, MediaRef, Outgoing, Result
from bot.core.dialogue.ports import Conversation, UserRecord
from bot.core.i18n import translator
from bot.core.knowledge import Knowledge
from bot.core.languages import NAMES
from bot.core.markup import escape, markdown_to_html

LANG_NAMES = NAMES  # old name


@dataclass
class Turn:
    knowledge: Knowledge
    conv: Conversation
    user: UserRecord
    lang: str
    staff_chat_id: int | None
    result: Result = field(default_factory=Result)
    channel: str = "telegram"  # where the person writes from (named in the ticket header)

    def _(self, msgid: str, **values: object) -> str:
        text = translator(self.lang).gettext(msgid)
        return text.format(**values) if values else text

    def reply(self, text: str, buttons: Keyboard = ()) -> None:
        self.result.add(Outgoing(chat_id=self.user.chat_id, text=text, buttons=buttons, lang=self.lang))

    def say(self, msgid: str, buttons: Keyboard = (), **values: object) -> None:
        """Reply with a translated UI string (escaped)."""
        self.reply(escape(self._(msgid, **values)), buttons)

    def to_staff(self, text: str, *, ticket_id: int | None = None,
                 copy_of: tuple[int, int] | None = None, media_ref: MediaRef | None = None) -> None:
        if self.staff_chat_id is not None:
            self.result.add(Outgoing(chat_id=self.staff_chat_id, text=text, ticket_id=ticket_id,
                                     copy_of=copy_of, media_ref=media_ref))

    def button(self, msgid: str, data: str) -> Button:
        short = SHORT.get(msgid)
        return Button(self._(msgid), data, self._(short) if short else None)

    def menu_keyboard(self) -> Keyboard:
        return (
            (self.button("🔎 Check a recruiter", "menu:check"),),
            (self.button("❓ Ask a question", "menu:ask"),),
            (self.button("🛡 Is this job offer safe?", "menu:safety"),),
            (self.button("☎️ Talk to the helpline", "menu:helpline"),),
            (self.button("📝 Report a recruiter", "menu:report"),),
            (Button("🌐 " + " / ".join(LANG_NAMES.values()), "menu:language", LANGUAGE_BUTTON_SHORT),),
        )

    def back_to_menu(self) -> Keyboard:
        return ((self.button("☰ Menu", "menu:main"),),)

    def topic(self, topic_id: str) -> Topic | None:
        """The topic in the turn's language, else in English (a translation may be missing)."""
        content = self.knowledge.content
        return content.topic(self.lang, topic_id) or content.topic("en", topic_id)

    def topic_html(self, topic_id: str) -> str | None:
        topic = self.topic(topic_id)
        if topic is None:
            return None
        return f"<b>{escape(topic.title)}</b>\n\n{markdown_to_html(topic.answer)}"
