"""``content/whatsapp_templates.yaml``: the approved message templates a channel may send
outside its customer-service window (WhatsApp's 24 hours), one per language the bot speaks.

Only data and its checks live here (``content check`` runs them); the WhatsApp adapter sends
the template (:mod:`bot.whatsapp.window`). Format in docs/whatsapp.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.content.topics import LANGUAGES, Problem

TEMPLATES_FILE = "whatsapp_templates.yaml"
PURPOSES = ("invite_back",)
_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
# Meta's template language codes that matter here (the full list is longer; see the docs).
LANGUAGE_CODES = frozenset({"en", "en_US", "en_GB", "ur", "pa", "hi", "ar", "bn", "fa"})
_VARIABLE = re.compile(r"\{\{.*?\}\}")
_HTML = re.compile(r"<[a-zA-Z/][^>]*>")


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    language: str


@dataclass(frozen=True, slots=True)
class Templates:
    """``by_purpose[purpose][lang]``; ``usable`` is False while the file is a placeholder."""

    by_purpose: dict[str, dict[str, Template]]
    usable: bool

    def get(self, purpose: str, lang: str) -> Template | None:
        if not self.usable:
            return None
        chosen = self.by_purpose.get(purpose, {})
        return chosen.get(lang) or chosen.get("en")


NONE = Templates({}, usable=False)


def load_templates(root: Path) -> tuple[Templates, list[Problem]]:
    """Read and check the templates file under the content ``root`` (never raises)."""
    path = Path(root) / TEMPLATES_FILE
    if not path.exists():  # no WhatsApp templates: late staff replies wait for the person
        return NONE, []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return NONE, [Problem(path, None, f"cannot read {TEMPLATES_FILE}: {type(exc).__name__}",
                              "fix the YAML (docs/whatsapp.md shows the format)")]
    if not isinstance(data, dict):
        return NONE, [Problem(path, None, f"{TEMPLATES_FILE} must be a mapping",
                              "see docs/whatsapp.md for the format")]
    problems: list[Problem] = []
    placeholder = bool(data.get("placeholder"))
    by_purpose: dict[str, dict[str, Template]] = {}
    for purpose in PURPOSES:
        entries = data.get(purpose)
        if not isinstance(entries, dict):
            problems.append(Problem(path, None, f"'{purpose}' is missing",
                                    f"add '{purpose}:' with an entry for each of {', '.join(LANGUAGES)}"))
            continue
        for lang in LANGUAGES:
            entry = entries.get(lang)
            where = f"{purpose}.{lang}"
            if not isinstance(entry, dict):
                problems.append(Problem(path, None, f"{where} is missing",
                                        "give its name: and language: (Sindhi may use the Urdu one)"))
                continue
            name, code = str(entry.get("name") or ""), str(entry.get("language") or "")
            text = str(entry.get("text") or "")
            if name.startswith("REPLACE_ME"):
                placeholder = True
            elif not _NAME.match(name):
                problems.append(Problem(path, None, f"{where}: the template name '{name}' is not valid",
                                        "use the exact name from WhatsApp Manager: a-z, 0-9 and _"))
            if code not in LANGUAGE_CODES:
                problems.append(Problem(path, None, f"{where}: '{code}' is not a template language code",
                                        "use the code WhatsApp Manager shows, e.g. en or ur"))
            if _VARIABLE.search(text) or _HTML.search(text):
                problems.append(Problem(path, None, f"{where}: the text has a {{{{variable}}}} or HTML",
                                        "the bot sends no variables: keep the text plain"))
            by_purpose.setdefault(purpose, {})[lang] = Template(name, code)
    # While ``placeholder`` is set (the example tree) there is no problem to report: the
    # adapter says at start-up that late staff replies wait for the person to write.
    usable = not placeholder and not any(p.is_error for p in problems)
    return Templates(by_purpose, usable), problems
