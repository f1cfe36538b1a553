"""The console chat: the same dialogue as Telegram, on standard input and output.

Buttons are shown numbered; type the number to press one. State lives in the same
database, so a conversation continues after a restart. Ends at end of input.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.config import Settings
from bot.core.dialogue.engine import Dialogue
from bot.core.dialogue.messages import Button, Incoming, Outgoing
from bot.core.knowledge_holder import KnowledgeError, KnowledgeHolder
from bot.core.markup import html_to_plain
from bot.storage import DatabaseUnusable, open_store

CONSOLE_USER = 1
STAFF_NOTE = "[to helpline staff]"


def _render(message: Outgoing, staff_chat_id: int | None) -> tuple[str, list[Button]]:
    text = html_to_plain(message.text) if message.text else "[media]"
    if staff_chat_id is not None and message.chat_id == staff_chat_id:
        text = f"{STAFF_NOTE} {text}"
    buttons = [b for row in message.buttons for b in row]
    lines = [text] + [f"  [{i}] {b.label}" for i, b in enumerate(buttons, start=1)]
    return "\n".join(lines), buttons


def _event(line: str, buttons: list[Button]) -> Incoming:
    line = line.strip()
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        return Incoming(CONSOLE_USER, CONSOLE_USER, button=buttons[int(line) - 1].data)
    if line.startswith("/"):
        head, _, args = line[1:].partition(" ")
        return Incoming(CONSOLE_USER, CONSOLE_USER, command=head.lower(), args=args)
    return Incoming(CONSOLE_USER, CONSOLE_USER, text=line)


async def chat(settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    try:
        knowledge = KnowledgeHolder(settings.content_dir, settings.agencies_file,
                                    last_good_dir=settings.data_dir / "content-last-good")
    except KnowledgeError as exc:
        stdout.write("Cannot start: the content or agency list has problems:\n" + str(exc) + "\n")
        return 1
    try:
        store = await open_store(settings)
    except DatabaseUnusable as exc:
        stdout.write(f"Cannot start: {exc}\n")
        return 2
    dialogue = Dialogue(knowledge, None)
    buttons: list[Button] = []
    interactive = stdin.isatty()
    try:
        stdout.write("Rahnuma console. Type a question, a licence number, or /start. "
                     "Numbers press buttons. Ctrl-D ends.\n")
        stdout.flush()
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            if not line.strip():
                continue
            event = _event(line, buttons)
            result = (await store.unit_of_work(
                None, lambda conversation, event=event: dialogue.handle(conversation, event))).value
            buttons = []
            for message in result.messages:
                text, message_buttons = _render(message, None)
                buttons = message_buttons or buttons
                stdout.write(text + "\n\n")
            if result.toast:
                stdout.write(f"({result.toast})\n")
            stdout.flush()
    finally:
        await store.close()
    return 0


def run_console(settings: Settings) -> int:
    return asyncio.run(chat(settings, sys.stdin, sys.stdout))
