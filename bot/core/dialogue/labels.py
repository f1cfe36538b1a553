"""Short forms of button labels, for channels with tight limits (WhatsApp: 20 characters on a
reply button, 24 on a list row).

Both forms are catalog strings: the full label is what Telegram shows, the short one what
WhatsApp shows when the full one does not fit. ``content check`` verifies, in every language,
that each label used on a button has a form of at most :data:`BUTTON_LIMIT` characters
(:func:`label_problems`). Labels not listed here must fit on their own.
"""

from __future__ import annotations

from bot.core.i18n import N_

BUTTON_LIMIT = 20  # WhatsApp reply-button title
ROW_LIMIT = 24  # WhatsApp list-row title

# Every catalog label the dialogue puts on a button (turn.button). TRANSLATORS: short forms
# are WhatsApp buttons of at most 20 characters (emoji count 1 or 2).
SHORT: dict[str, str | None] = {
    N_("🔎 Check a recruiter"): None,
    N_("❓ Ask a question"): None,
    N_("🛡 Is this job offer safe?"): N_("🛡 Job offer safe?"),
    N_("☎️ Talk to the helpline"): N_("☎️ Helpline"),
    N_("📝 Report a recruiter"): N_("📝 Report recruiter"),
    N_("☰ Menu"): None,
    N_("🗑 Yes, delete my data"): N_("🗑 Yes, delete"),
    N_("✖ No, keep it"): None,
    N_("🔎 Check another"): None,
    N_("📖 More"): None,
    N_("📚 Red flags of fake jobs"): N_("📚 Fake job signs"),
    N_("📋 Share my recent checks with staff"): N_("📋 Share my checks"),
    N_("👩 I would like a woman staff member"): N_("👩 Woman staff"),
    N_("✖ End the chat"): N_("✖ End chat"),
    N_("⏭ Skip"): None,
    N_("✖ Stop"): None,
    N_("✅ Yes, send it"): None,
    N_("✖ No"): None,
}
LANGUAGE_BUTTON_SHORT = "🌐 Language · زبان"  # the same in every language


def label_problems(gettext_for: dict[str, object]) -> list[tuple[str, str, str, int]]:
    """``(lang, label, form, length)`` for each label whose button form is too long in a
    language; ``gettext_for`` maps a language to its translations (``.gettext``)."""
    problems = []
    for lang, catalog in gettext_for.items():
        for full, short in SHORT.items():
            label = catalog.gettext(full)  # type: ignore[attr-defined]
            form = label if len(label) <= BUTTON_LIMIT or not short else catalog.gettext(short)  # type: ignore[attr-defined]
            if len(form) > BUTTON_LIMIT:
                problems.append((lang, full, form, len(form)))
    return problems
